import Foundation
import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON
import ServiceLifecycle

/// Watches over hosts as upstream's node lifecycle controller does: a Node whose agent has not
/// renewed its Lease (nor posted status) for `gracePeriod` gets its conditions set to Unknown
/// (`startupGracePeriod` for one that never posted), a node's Ready condition brings the
/// `unreachable` / `not-ready` NoSchedule and NoExecute taints (removed when it is Ready again),
/// and pods on a node with NoExecute taints they do not tolerate (or tolerate for a limited
/// time, 300 s by default) are deleted so their controllers replace them elsewhere.
///
/// Level-triggered: every `monitorPeriod` it looks at every node. How long a host has been silent
/// is measured on this controller's clock from the last change it saw in the host's Lease or
/// heartbeat, so clocks need not agree and a restarted controller gives every host a fresh grace.
public struct NodeLifecycleController: Service {
    let core: APIServerCore
    let logger: Logger
    let gracePeriod: Duration
    let startupGracePeriod: Duration
    let monitorPeriod: Duration

    public init(core: APIServerCore, logger: Logger, gracePeriod: Duration = .seconds(50), startupGracePeriod: Duration = .seconds(60),
                monitorPeriod: Duration = .seconds(5)) {
        self.core = core
        self.logger = logger
        self.gracePeriod = gracePeriod
        self.startupGracePeriod = startupGracePeriod
        self.monitorPeriod = monitorPeriod
    }

    static let manager = "node-controller"

    public func run() async throws {
        while !core.isReady { try await Task.sleep(for: .milliseconds(10)) }
        guard let nodeType = core.catalog.lookup(group: "", version: "v1", plural: "nodes"),
              let leaseType = core.catalog.lookup(group: "coordination.k8s.io", version: "v1", plural: "leases"),
              let podType = core.catalog.lookup(group: "", version: "v1", plural: "pods") else { return }
        let nodes = try core.registry.cache(nodeType), leases = try core.registry.cache(leaseType), pods = try core.registry.cache(podType)
        await cancelWhenGracefulShutdown {
            // Per node: the last signal of life seen (lease renewal and Ready heartbeat) and when.
            var seen: [String: (signal: String, at: ContinuousClock.Instant)] = [:]
            while !Task.isCancelled {
                let now = ContinuousClock.now
                var present = Set<String>()
                for node in nodes.objects() {
                    present.insert(node.name)
                    let lease = leases.get(leaseType.key(namespace: "kube-node-lease", name: node.name))
                    let signal = (lease?.object.string("spec", "renewTime") ?? "") + "|" + Self.readyHeartbeat(node.object)
                    if seen[node.name]?.signal != signal { seen[node.name] = (signal, now) }
                    let silent = now - (seen[node.name]?.at ?? now)
                    await self.reconcile(nodeType, node, silent: silent)
                }
                for name in seen.keys where !present.contains(name) { seen[name] = nil }
                await self.evict(podType, nodes: nodes, pods: pods)
                try? await Task.sleep(for: self.monitorPeriod)
            }
        }
    }

    static func readyHeartbeat(_ node: JSON) -> String {
        (node[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0.string("type") == "Ready" }?.string("lastHeartbeatTime") ?? ""
    }

    /// Marks a silent node Unknown and keeps its condition taints in step.
    func reconcile(_ nodeType: ResourceType, _ node: CachedObject, silent: Duration) async {
        let now = Timestamp.now()
        var next = node.object
        let ready = Conditions.status(next, "Ready")
        if ready == nil ? silent > startupGracePeriod : (ready != "Unknown" && silent > gracePeriod) {
            next = NodeHealthRules.markedUnknown(next, now: now)
            logger.info("node \(node.name) stopped posting status; marking it Unknown")
        }
        next = NodeHealthRules.withConditionTaints(next, now: now)
        guard next != node.object else { return }
        do {
            _ = try await core.registry.compareAndSwap(nodeType, base: node, next: next)
        } catch {
            // A node that changed meanwhile is looked at again on the next tick.
            if case .failed(let e) = error, e.code != 404 { logger.warning("updating node \(node.name): \(e)") }
        }
    }

    /// Deletes pods whose time on a NoExecute-tainted node is up, with their default grace.
    func evict(_ podType: ResourceType, nodes: WatchCache, pods: WatchCache) async {
        var tainted: [String: [Taint]] = [:]
        for node in nodes.objects() {
            let noExecute = Taint.of(node: node.object).filter { $0.effect == "NoExecute" }
            if !noExecute.isEmpty { tainted[node.name] = noExecute }
        }
        guard !tainted.isEmpty else { return }
        let now = Int64(Date().timeIntervalSince1970)
        for pod in pods.objects() {
            guard let node = pod.object.string("spec", "nodeName"), let taints = tainted[node],
                  pod.object[path: ["metadata", "deletionTimestamp"]] == nil, !PodPhase.isTerminal(pod.object),
                  let due = NodeHealthRules.evictionTime(pod: pod.object, taints: taints, now: now), due <= now else { continue }
            do {
                _ = try await core.registry.delete(podType, namespace: pod.namespace, name: pod.name,
                                                   options: DeleteOptions(uid: pod.object.string("metadata", "uid")))
                logger.info("evicted pod \(pod.namespace ?? "")/\(pod.name) from node \(node) (NoExecute taint)")
                await record(pod, node: node)
            } catch where error.code == 404 || error.code == 409 {
                continue
            } catch {
                logger.warning("evicting pod \(pod.namespace ?? "")/\(pod.name): \(error)")
            }
        }
    }

    /// Upstream's `TaintManagerEviction` Event on the evicted pod.
    func record(_ pod: CachedObject, node: String) async {
        guard let events = core.catalog.lookup(group: "", version: "v1", plural: "events"), let ns = pod.namespace else { return }
        let event = EventObject.about(pod.object, kind: "Pod", reason: "TaintManagerEviction",
                                      message: "Marking for deletion Pod \(ns)/\(pod.name)", component: "taint-eviction-controller",
                                      now: Timestamp.now())
        _ = try? await core.registry.create(events, namespace: ns, object: event, options: WriteOptions(fieldManager: Self.manager))
    }
}
