import Foundation
import PlinthImages

/// A runtime that runs nothing (like kwok): sandboxes get an address from a per-host range and
/// containers are running as soon as they start, so one machine can hold hundreds of hosts and
/// thousands of pods for scale tests. State lives in memory; a restarted agent with a new fake
/// runtime starts its pods again.
public actor FakePodRuntime: PodRuntime {
    public nonisolated let handler = "fake"
    public nonisolated let version = "fake://0.1"

    /// The first three octets of the addresses handed out (`10.244.7`): one /24 per host.
    let addressPrefix: String
    private var byPod: [String: SandboxStatus] = [:]
    private var freeHosts = Array((2...254).reversed())
    private var nextContainer = 1

    public init(addressPrefix: String) {
        self.addressPrefix = addressPrefix
    }

    public func ensureImage(_ image: String, policy: ImagePullPolicy, credentials: [String: RegistryClient.Credentials]) -> ImagePullOutcome {
        ImagePullOutcome(pulled: false, size: 0)
    }

    /// Nothing runs, so every command "succeeds".
    public func execSync(podUID: String, container: String, command: [String], timeout: Duration) -> ExecResult {
        ExecResult(exitCode: 0, output: "")
    }

    /// Nothing runs, so volumes need no files.
    public func writeVolume(podUID: String, name: String, _ contents: VolumeContents) {}

    /// Nothing runs, so there is nothing to exec in or attach to.
    public func exec(podUID: String, container: String, _ request: ExecRequest) throws -> any ExecSession {
        throw FakeRuntimeError("the fake runtime runs no processes")
    }

    public func attach(podUID: String, container: String, stdin: Bool) throws -> any ExecSession {
        throw FakeRuntimeError("the fake runtime runs no processes")
    }

    public func portForward(podUID: String, port: UInt16) throws -> Int32 {
        throw FakeRuntimeError("the fake runtime runs no processes, so nothing listens on port \(port)")
    }

    /// The container shows as killed (exit 137).
    public func stopContainer(podUID: String, container: String, gracePeriod: Duration) {
        guard var sandbox = byPod[podUID], let index = sandbox.containers.firstIndex(where: { $0.name == container }),
              case .running(let started) = sandbox.containers[index].state else { return }
        sandbox.containers[index].state = .exited(code: 137, reason: "Error", startedAt: started, finishedAt: Self.now())
        byPod[podUID] = sandbox
    }

    /// The fake runtime runs nothing, so it has no logs.
    public func logFile(podUID: String, container: String, previous: Bool) -> ContainerLogFile? { nil }

    public func runSandbox(_ spec: PodSandboxSpec) throws -> SandboxStatus {
        if let existing = byPod[spec.podUID] { return existing }
        guard let host = freeHosts.popLast() else { throw FakeRuntimeError("no free pod address in \(addressPrefix).0/24") }
        let sandbox = SandboxStatus(podUID: spec.podUID, namespace: spec.namespace, name: spec.name, ip: "\(addressPrefix).\(host)",
                                    createdAt: Self.now(), containers: [])
        byPod[spec.podUID] = sandbox
        return sandbox
    }

    public func startContainer(_ spec: ContainerSpec, podUID: String) throws -> RuntimeContainerStatus {
        guard var sandbox = byPod[podUID] else { throw FakeRuntimeError("no sandbox for pod \(podUID)") }
        let status = RuntimeContainerStatus(id: "fake://\(nextContainer)", name: spec.name, image: spec.image,
                                            imageID: "fake://" + spec.image, attempt: spec.attempt, state: .running(startedAt: Self.now()))
        nextContainer += 1
        sandbox.containers.removeAll { $0.name == spec.name }
        sandbox.containers.append(status)
        byPod[podUID] = sandbox
        return status
    }

    public func removeSandbox(podUID: String, gracePeriod: Duration) {
        guard let sandbox = byPod.removeValue(forKey: podUID) else { return }
        if let ip = sandbox.ip, let host = ip.split(separator: ".").last.flatMap({ Int($0) }) { freeHosts.append(host) }
    }

    public func sandboxes() -> [SandboxStatus] {
        Array(byPod.values)
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

/// Why the fake runtime refused a call.
public struct FakeRuntimeError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
