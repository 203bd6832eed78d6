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
/// `FailedScheduling` Event. Pods wait in a `WorkQueue`; unschedulable ones (`UnschedulablePods`)
/// are tried again when a node changes or a pod goes away, after their back-off, and every pod
/// still waiting every 30 seconds. Nodes and what their pods request come from a
/// `SchedulerCache` kept up to date from changes. Events are written beside the decisions, not
/// in their way: up to 1,000 wait, and more are dropped, as upstream's event broadcaster drops
/// what its full queue cannot take.
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
        let cache = SchedulerCache()
        let unschedulable = UnschedulablePods()
        let (events, eventSink) = AsyncStream<PodEvent>.makeStream(bufferingPolicy: .bufferingOldest(Self.maxQueuedEvents))
        await cache.load(nodes: nodes.objects(), pods: pods.objects())
        await withDiscardingTaskGroup { group in
            group.addTask { await self.write(events) }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    for await change in changes { await self.react(to: change, queue: queue, cache: cache, unschedulable: unschedulable) }
                }
                await queue.shutdown()
                eventSink.finish()
            }
            // Pods whose back-off ends after the event that may have made room for them.
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(500))
                        let retry = await unschedulable.takeRetryable()
                        if !retry.isEmpty { await queue.add(contentsOf: retry) }
                    }
                }
            }
            // Decisions are made one at a time inside the cache; the bindings and Events they lead
            // to (the slow part: writes) go on in parallel, as upstream's binding cycles do.
            for _ in 0..<8 {
                group.addTask {
                    while let key = await queue.next() {
                        await self.schedule(key, podType: podType, pods: pods, cache: cache, unschedulable: unschedulable, events: eventSink)
                        await queue.done(key)
                    }
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        await queue.add(contentsOf: Self.waiting(pods))
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

    func react(to change: ObjectChange, queue: WorkQueue<String>, cache: SchedulerCache, unschedulable: UnschedulablePods) async {
        let r = change.resource
        guard r.group.isEmpty, r.plural == "pods" || r.plural == "nodes" else { return }
        let nodeChanged = await cache.apply(change)
        var mayMakeRoom = false
        switch (r.plural, change.event) {
        case ("pods", .added(let o)):
            if Self.isWaiting(o.object) { await queue.add(o.key) }
        case ("pods", .modified(let o)):
            if Self.isWaiting(o.object) { await queue.add(o.key) }
            // A finished pod frees its node's resources.
            mayMakeRoom = !(o.object.string("spec", "nodeName") ?? "").isEmpty && PodPhase.isTerminal(o.object)
        case ("pods", .deleted(let o)):
            await unschedulable.remove(o.key)
            mayMakeRoom = true
        case ("nodes", .added), ("nodes", .modified):
            // Heartbeats change nothing placement reads.
            mayMakeRoom = nodeChanged
        default:
            break
        }
        if mayMakeRoom {
            await unschedulable.noteEvent()
            let retry = await unschedulable.takeRetryable()
            if !retry.isEmpty { await queue.add(contentsOf: retry) }
        }
    }

    func schedule(_ key: String, podType: ResourceType, pods: WatchCache, cache: SchedulerCache, unschedulable: UnschedulablePods,
                  events: AsyncStream<PodEvent>.Continuation) async {
        guard let cached = pods.get(key), Self.isWaiting(cached.object) else {
            await unschedulable.remove(key)
            return
        }
        let pod = PodInfo(cached.object)
        let attempt = ContinuousClock.now
        guard let outcome = await cache.place(key, pod, with: placement) else { return }
        switch outcome {
        case .node(let node):
            await unschedulable.remove(key)
            do {
                try await core.bind(podType, namespace: pod.namespace, name: pod.name, node: node,
                                    uid: cached.object.string("metadata", "uid"), options: WriteOptions(fieldManager: Self.name))
                events.yield(PodEvent(pod: cached, reason: "Scheduled", type: "Normal", message: "Successfully assigned \(pod.namespace)/\(pod.name) to \(node)"))
            } catch {
                await cache.forget(key)
                if error.code != 409 && error.code != 404 { logger.warning("binding \(key) to \(node): \(error)") }
            }
        case .unschedulable(let message):
            await unschedulable.failed(key, attemptBegan: attempt)
            await markUnschedulable(podType, cached, message, events: events)
        }
    }

    func markUnschedulable(_ podType: ResourceType, _ cached: CachedObject, _ message: String, events: AsyncStream<PodEvent>.Continuation) async {
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
            if changed { events.yield(PodEvent(pod: cached, reason: "FailedScheduling", type: "Warning", message: message)) }
        } catch {
            if error.code != 409 && error.code != 404 { logger.warning("marking \(cached.key) unschedulable: \(error)") }
        }
    }

    /// An Event waiting to be written.
    struct PodEvent: Sendable {
        let pod: CachedObject
        let reason: String
        let type: String
        let message: String
    }

    /// Upstream's `maxQueuedEvents`.
    static let maxQueuedEvents = 1000

    /// Writes the queued Events, several at a time, until the queue is finished.
    func write(_ events: AsyncStream<PodEvent>) async {
        await withTaskGroup(of: Void.self) { group in
            var writing = 0
            for await event in events {
                if writing == 8 {
                    await group.next()
                    writing -= 1
                }
                writing += 1
                group.addTask {
                    do throws(APIError) {
                        try await self.record(event.pod, reason: event.reason, type: event.type, event.message)
                    } catch {
                        if error.code != 404 { self.logger.debug("recording \(event.reason) for \(event.pod.key): \(error)") }
                    }
                }
            }
        }
    }

    /// An Event on the pod (`Scheduled`, or `FailedScheduling` as a Warning), as `kubectl describe pod` shows it.
    func record(_ cached: CachedObject, reason: String, type: String, _ message: String) async throws(APIError) {
        guard let events = core.catalog.lookup(group: "", version: "v1", plural: "events"), let ns = cached.namespace else { return }
        let event = EventObject.about(cached.object, kind: "Pod", reason: reason, message: message, type: type, component: Self.name,
                                      instance: Self.name, resourceVersion: String(cached.revision),
                                      name: "\(cached.name).\(String(UInt64.random(in: 0...UInt64.max), radix: 16))", now: Timestamp.now())
        _ = try await registry.create(events, namespace: ns, object: event, options: WriteOptions(fieldManager: Self.name))
    }
}
