import Foundation
import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthControllers
import PlinthJSON
import ServiceLifecycle

/// The default scheduler: every pod without a node whose `schedulerName` is
/// `default-scheduler` goes through `Placement` against the nodes as they stand, and is bound
/// (the `binding` logic) or marked `PodScheduled=False` (reason `Unschedulable`) with a
/// `FailedScheduling` Event. Pods wait in a `WorkQueue`; unschedulable ones are tried again when
/// a node changes or a pod goes away, and every 30 seconds.
public struct Scheduler: Service {
    public static let name = "default-scheduler"

    let core: APIServerCore
    let logger: Logger
    let placement: Placement

    public init(core: APIServerCore, logger: Logger, placement: Placement = .standard) {
        self.core = core
        self.logger = logger
        self.placement = placement
    }

    var registry: ObjectRegistry { core.registry }

    public func run() async throws {
        let changes = registry.changes.subscribe()
        guard let podType = core.catalog.lookup(group: "", version: "v1", plural: "pods"),
              let nodeType = core.catalog.lookup(group: "", version: "v1", plural: "nodes") else { return }
        let pods = try registry.cache(podType), nodes = try registry.cache(nodeType)
        await pods.waitUntilReady()
        await nodes.waitUntilReady()
        let queue = WorkQueue<String>()
        let assumed = AssumedPods()
        await withDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown {
                    for await change in changes { await self.react(to: change, queue: queue, pods: pods, assumed: assumed) }
                }
                await queue.shutdown()
            }
            group.addTask {
                while let key = await queue.next() {
                    await self.schedule(key, podType: podType, pods: pods, nodes: nodes, assumed: assumed)
                    await queue.done(key)
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        for key in Self.waiting(pods) { await queue.add(key) }
                        try? await Task.sleep(for: .seconds(30))
                    }
                }
            }
        }
    }

    /// Keys of pods this scheduler has yet to place.
    static func waiting(_ pods: WatchCache) -> [String] {
        pods.objects().filter { isWaiting($0.object) }.map(\.key)
    }

    static func isWaiting(_ pod: JSON) -> Bool {
        (pod.string("spec", "nodeName") ?? "").isEmpty
            && (pod.string("spec", "schedulerName") ?? name) == name
            && pod[path: ["metadata", "deletionTimestamp"]] == nil
            && (pod[path: ["spec", "schedulingGates"]]?.arrayValue ?? []).isEmpty
            && !PodPhase.isTerminal(pod)
    }

    func react(to change: ObjectChange, queue: WorkQueue<String>, pods: WatchCache, assumed: AssumedPods) async {
        let r = change.resource
        guard r.group.isEmpty else { return }
        switch (r.plural, change.event) {
        case ("pods", .added(let o)):
            if Self.isWaiting(o.object) { await queue.add(o.key) }
        case ("pods", .modified(let o)):
            if Self.isWaiting(o.object) { await queue.add(o.key) }
            // A finished pod frees its node's resources.
            if !(o.object.string("spec", "nodeName") ?? "").isEmpty, PodPhase.isTerminal(o.object) {
                for key in Self.waiting(pods) { await queue.add(key) }
            }
        case ("pods", .deleted(let o)):
            await assumed.forget(o.key)
            for key in Self.waiting(pods) { await queue.add(key) }
        case ("nodes", .added), ("nodes", .modified):
            // Room may have appeared: try the waiting pods again.
            for key in Self.waiting(pods) { await queue.add(key) }
        default:
            break
        }
    }

    func schedule(_ key: String, podType: ResourceType, pods: WatchCache, nodes: WatchCache, assumed: AssumedPods) async {
        guard let cached = pods.get(key), Self.isWaiting(cached.object) else { return }
        let pod = PodInfo(cached.object)
        let snapshot = await Self.snapshot(nodes: nodes, pods: pods, assumed: assumed)
        switch placement.choose(pod, nodes: snapshot) {
        case .node(let node):
            await assumed.assume(key, on: node, pod)
            do {
                try await core.bind(podType, namespace: pod.namespace, name: pod.name, node: node,
                                    uid: cached.object.string("metadata", "uid"), options: WriteOptions(fieldManager: Self.name))
                try? await record(cached, reason: "Scheduled", type: "Normal", "Successfully assigned \(pod.namespace)/\(pod.name) to \(node)")
            } catch {
                await assumed.forget(key)
                if error.code != 409 && error.code != 404 { logger.warning("binding \(key) to \(node): \(error)") }
            }
        case .unschedulable(let message):
            await markUnschedulable(podType, cached, message)
        }
    }

    /// The nodes with the pods bound to them (and those this scheduler has just bound but the
    /// cache does not show yet).
    static func snapshot(nodes: WatchCache, pods: WatchCache, assumed: AssumedPods) async -> [NodeInfo] {
        var byName: [String: NodeInfo] = [:]
        for n in nodes.objects() { byName[n.name] = NodeInfo(n.object) }
        var bound = Set<String>(), unbound = Set<String>()
        for p in pods.objects() {
            guard let node = p.object.string("spec", "nodeName"), !node.isEmpty else { unbound.insert(p.key); continue }
            bound.insert(p.key)
            guard !PodPhase.isTerminal(p.object) else { continue }
            byName[node]?.add(PodInfo(p.object))
        }
        for (_, placed) in await assumed.settle(bound: bound, unbound: unbound) { byName[placed.node]?.add(placed.pod) }
        return byName.keys.sorted().map { byName[$0]! }
    }

    func markUnschedulable(_ podType: ResourceType, _ cached: CachedObject, _ message: String) async {
        let o = cached.object
        let current = (o[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0.string("type") == "PodScheduled" }
        if current?.string("status") == "False", current?.string("reason") == "Unschedulable", current?.string("message") == message { return }
        var changed = false
        do {
            _ = try await registry.guaranteedUpdate(podType, namespace: cached.namespace, name: cached.name, precondition: nil,
                                                    options: WriteOptions(fieldManager: Self.name)) { pod throws(APIError) in
                guard Self.isWaiting(pod) else { changed = false; return pod }
                changed = true
                var next = pod
                Conditions.set(&next, type: "PodScheduled", status: "False", reason: "Unschedulable", message: message,
                               now: Timestamp.now(), probeTime: true)
                return next
            }
            if changed { try await record(cached, reason: "FailedScheduling", type: "Warning", message) }
        } catch {
            if error.code != 409 && error.code != 404 { logger.warning("marking \(cached.key) unschedulable: \(error)") }
        }
    }

    /// An Event on the pod (`Scheduled`, or `FailedScheduling` as a Warning), as `kubectl describe pod` shows it.
    func record(_ cached: CachedObject, reason: String, type: String, _ message: String) async throws(APIError) {
        guard let events = core.catalog.lookup(group: "", version: "v1", plural: "events"), let ns = cached.namespace else { return }
        let now = Timestamp.now()
        let event: JSON = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["name": .string("\(cached.name).\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"), "namespace": .string(ns)],
            "involvedObject": ["apiVersion": "v1", "kind": "Pod", "namespace": .string(ns), "name": .string(cached.name),
                               "uid": cached.object["metadata"]?["uid"] ?? nil, "resourceVersion": .string(String(cached.revision))],
            "reason": .string(reason), "message": .string(message), "type": .string(type),
            "source": ["component": .string(Self.name)], "reportingComponent": .string(Self.name), "reportingInstance": .string(Self.name),
            "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1,
        ]
        _ = try await registry.create(events, namespace: ns, object: event, options: WriteOptions(fieldManager: Self.name))
    }
}

/// Pods this scheduler has bound whose binding the pod cache does not show yet, so the next
/// decision already counts them.
actor AssumedPods {
    private var placed: [String: (node: String, pod: PodInfo)] = [:]

    func assume(_ key: String, on node: String, _ pod: PodInfo) { placed[key] = (node, pod) }
    func forget(_ key: String) { placed[key] = nil }

    /// Drops the pods now seen bound, or gone, and returns the rest (those still seen unbound).
    func settle(bound: Set<String>, unbound: Set<String>) -> [String: (node: String, pod: PodInfo)] {
        for key in placed.keys where bound.contains(key) || !unbound.contains(key) { placed[key] = nil }
        return placed
    }
}
