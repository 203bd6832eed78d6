import Foundation
import PlinthClient
import PlinthJSON

/// `plinth bench pods`: pod start latency as upstream's SLO measures it — from the create
/// request to the pod being seen Running through a watch — over `pods` pods created one after
/// another (`interval` apart) in a fresh namespace; prints p50/p90/p99/max. Run it with the
/// image already on the host to measure the start path alone.
public struct PodStartBenchmark: Sendable {
    let kubeconfigPath: String
    let pods: Int
    let image: String
    let command: [String]
    let nodeSelector: [String: String]
    let interval: Duration
    let namespace: String
    let keep: Bool

    public init(kubeconfigPath: String, pods: Int, image: String, command: [String], nodeSelector: [String: String],
                interval: Duration, namespace: String, keep: Bool) {
        self.kubeconfigPath = kubeconfigPath
        self.pods = max(1, pods)
        self.image = image
        self.command = command
        self.nodeSelector = nodeSelector
        self.interval = interval
        self.namespace = namespace
        self.keep = keep
    }

    /// When each pod was asked for and when it was first seen Running.
    actor Timings {
        var created: [String: ContinuousClock.Instant] = [:]
        var running: [String: ContinuousClock.Instant] = [:]
        func sent(_ name: String, at t: ContinuousClock.Instant) { created[name] = t }
        func seenRunning(_ name: String, at t: ContinuousClock.Instant) { if running[name] == nil { running[name] = t } }
        var runningCount: Int { running.count }
        func latencies() -> [Duration] { created.compactMap { name, t in running[name].map { $0 - t } }.sorted() }
    }

    public func run() async throws {
        let api = APIClient(config: try ClientConfig.load(path: kubeconfigPath), connectionsPerHost: 4)
        do {
            try await measure(api)
        } catch {
            await api.shutdown()
            throw error
        }
        await api.shutdown()
    }

    func measure(_ api: APIClient) async throws {
        _ = try? await api.request(.POST, "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        let listed = try await api.request(.GET, "/api/v1/namespaces/\(namespace)/pods?limit=1")
        let revision = listed.string("metadata", "resourceVersion") ?? "0"
        let timings = Timings()
        let started = ContinuousClock.now
        say("creating \(pods) pods (\(image)) in namespace \(namespace), one every \(ms(interval)) ms")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await api.watch("/api/v1/namespaces/\(namespace)/pods?watch=1&timeoutSeconds=3000&resourceVersion=\(revision)") { event in
                    let pod = event["object"] ?? [:]
                    if pod.string("status", "phase") == "Running", let name = pod.string("metadata", "name") {
                        await timings.seenRunning(name, at: .now)
                        if await timings.runningCount >= pods { throw CancellationError() }
                    }
                }
            }
            var spec: JSON = ["containers": [["name": "c", "image": .string(image), "imagePullPolicy": "IfNotPresent",
                                               "command": .array(command.map { .string($0) })]],
                              "terminationGracePeriodSeconds": 1]
            for (k, v) in nodeSelector { spec[path: ["nodeSelector", k]] = .string(v) }
            for i in 0..<pods {
                let name = "start-\(i)"
                let pod: JSON = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name)], "spec": spec]
                let t = ContinuousClock.now
                _ = try await api.request(.POST, "/api/v1/namespaces/\(namespace)/pods", pod)
                await timings.sent(name, at: t)
                if interval > .zero { try await Task.sleep(for: interval) }
            }
            let deadline = ContinuousClock.now + .seconds(300)
            while await timings.runningCount < pods && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            group.cancelAll()
        }
        let all = await timings.latencies()
        say("\(all.count) of \(pods) pods Running after \(fmt(seconds(ContinuousClock.now - started), 1)) s")
        if !all.isEmpty {
            say("create → Running: p50 \(fmt(ms(percentile(all, 0.5)), 0)) ms, p90 \(fmt(ms(percentile(all, 0.9)), 0)) ms, "
                + "p99 \(fmt(ms(percentile(all, 0.99)), 0)) ms, max \(fmt(ms(all.last!), 0)) ms")
        }
        if !keep {
            // Wait for the namespace to go, so a next run does not measure this one's clean-up.
            _ = try? await api.request(.DELETE, "/api/v1/namespaces/\(namespace)")
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline, (try? await api.send(.GET, "/api/v1/namespaces/\(namespace)"))?.0 == 200 {
                try await Task.sleep(for: .milliseconds(200))
            }
            say("namespace \(namespace) deleted after \(fmt(seconds(ContinuousClock.now - started), 1)) s")
        }
    }
}
