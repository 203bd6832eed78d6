import PlinthImages

/// What a host agent needs from a pod runtime (runc containers, pod VMs, or the fake one used
/// for scale tests), in CRI's terms: one sandbox per pod that holds the pod's shared namespaces
/// (network, IPC, UTS) and its disks, and containers started inside it. Calls are idempotent
/// where CRI's are: running an existing sandbox returns it, removing a missing one succeeds.
///
/// `sandboxes()` reports everything the runtime holds, so an agent that restarts adopts the pods
/// it already runs instead of starting them again.
public protocol PodRuntime: Sendable {
    /// The runtime class handler this runtime serves (`runc`, `podvm`, `fake`).
    var handler: String { get }

    /// A version string for the Node's `containerRuntimeVersion` (`runc://1.1.5`).
    var version: String { get }

    /// Makes the image present on the host as `policy` says (CRI's ImageService `PullImage`);
    /// throws `ImagePullError`. `credentials` are by registry host, from `imagePullSecrets`.
    func ensureImage(_ image: String, policy: ImagePullPolicy, credentials: [String: RegistryClient.Credentials]) async throws -> ImagePullOutcome

    /// Creates the pod's sandbox, or returns it if it exists.
    func runSandbox(_ spec: PodSandboxSpec) async throws -> SandboxStatus

    /// Makes the pod's volume `name` hold `contents` (an empty directory is kept once made; files
    /// are replaced), for containers to mount.
    func writeVolume(podUID: String, name: String, _ contents: VolumeContents) async throws

    /// Creates and starts one container in the pod's sandbox; returns its status.
    func startContainer(_ spec: ContainerSpec, podUID: String) async throws -> RuntimeContainerStatus

    /// Stops every container of the pod (SIGTERM, then SIGKILL after `gracePeriod`) and removes
    /// the sandbox with its containers and disks.
    func removeSandbox(podUID: String, gracePeriod: Duration) async throws

    /// Every sandbox the runtime holds, with its containers.
    func sandboxes() async throws -> [SandboxStatus]

    /// Runs `command` in the container's current run and waits at most `timeout` (CRI's
    /// ExecSync; exec probes use it).
    func execSync(podUID: String, container: String, command: [String], timeout: Duration) async throws -> ExecResult

    /// Starts `request.command` in the container's current run with its streams attached (CRI's
    /// streaming Exec, behind `kubectl exec` and `kubectl cp`).
    func exec(podUID: String, container: String, _ request: ExecRequest) async throws -> any ExecSession

    /// Attaches to the container's current run (CRI's Attach, behind `kubectl attach`): its
    /// output from now on, and with `stdin` (for a container started with `stdin: true`) its
    /// input. Ending the session detaches; the container keeps running.
    func attach(podUID: String, container: String, stdin: Bool) async throws -> any ExecSession

    /// Opens a TCP connection to `port` on the pod's own loopback (CRI's PortForward, behind
    /// `kubectl port-forward`); the caller owns the returned socket.
    func portForward(podUID: String, port: UInt16) async throws -> Int32

    /// Stops the container's current run (SIGTERM, then SIGKILL after `gracePeriod`); it then
    /// shows as exited, and the agent restarts it as its pod's `restartPolicy` says.
    func stopContainer(podUID: String, container: String, gracePeriod: Duration) async throws

    /// The log of a container's current run, or with `previous` of the run before it; nil when
    /// there is no such run (or the runtime keeps no logs).
    func logFile(podUID: String, container: String, previous: Bool) async -> ContainerLogFile?
}
