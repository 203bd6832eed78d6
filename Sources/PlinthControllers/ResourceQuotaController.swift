import Foundation
import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON
import ServiceLifecycle

/// Keeps `status.hard` and `status.used` of every ResourceQuota true: copies `spec.hard` when it
/// changes and recomputes usage from the objects in the namespace when something there is
/// deleted or finishes (admission charges creates; this gives back what goes away), plus a full
/// pass every 30 seconds as upstream's resync.
public struct ResourceQuotaController: Service {
    let core: APIServerCore
    let logger: Logger

    public init(core: APIServerCore, logger: Logger) {
        self.core = core
        self.logger = logger
    }

    var registry: ObjectRegistry { core.registry }
    var quotas: ResourceType { core.catalog.lookup(group: "", version: "v1", plural: "resourcequotas")! }

    public func run() async throws {
        let changes = registry.changes.subscribe()
        let cache = try registry.cache(quotas)
        await cache.waitUntilReady()
        // Namespaces to recount, each queued once however many events name it (a collection
        // delete of ten thousand objects costs one or two recounts, not ten thousand).
        let queue = WorkQueue<String>()
        await withDiscardingTaskGroup { group in
            group.addTask {
                await self.follow(changes, into: queue)
                await queue.shutdown()
            }
            group.addTask {
                while let ns = await queue.next() {
                    if await self.reconcile(namespace: ns) == .retry {
                        // Lost a race with admission's charges: count again shortly.
                        try? await Task.sleep(for: .milliseconds(100))
                        await queue.add(ns)
                    }
                    await queue.done(ns)
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        for ns in self.namespacesWithQuotas() { await queue.add(ns) }
                        try? await Task.sleep(for: .seconds(30))
                    }
                }
            }
        }
    }

    /// Namespaces whose usage may have dropped, or whose quotas changed, are queued for a recount.
    func follow(_ changes: AsyncStream<ObjectChange>, into queue: WorkQueue<String>) async {
        await cancelWhenGracefulShutdown {
            // spec.hard/status.hard pairs already found equal by value, by quota key: admission's
            // status.used writes repeat the same pair and need no parsing.
            var sameHard: [String: (spec: JSON?, status: JSON?)] = [:]
            for await change in changes {
                let r = change.resource
                var namespace: String?
                switch change.event {
                case .deleted(let o):
                    namespace = o.namespace
                    sameHard[o.key] = nil
                case .added(let o) where r.group.isEmpty && r.plural == "resourcequotas":
                    namespace = o.namespace
                case .modified(let o):
                    if r.group.isEmpty && r.plural == "resourcequotas" {
                        // Admission's status.used writes land here too; only a changed spec.hard
                        // (compared by value: status holds canonical quantities) needs a recount.
                        let spec = o.object[path: ["spec", "hard"]], status = o.object[path: ["status", "hard"]]
                        if let known = sameHard[o.key], known.spec == spec, known.status == status { continue }
                        if QuotaUsage.resourceList(spec) != QuotaUsage.resourceList(status) {
                            namespace = o.namespace
                        } else {
                            sameHard[o.key] = (spec, status)
                        }
                    } else if r.group.isEmpty && r.plural == "pods",
                              PodPhase.isTerminal(o.object) || o.object[path: ["metadata", "deletionTimestamp"]] != nil {
                        namespace = o.namespace
                    }
                default:
                    break
                }
                guard let ns = namespace, r.namespaced, !QuotaUsage.isIgnored(r) || r.plural == "resourcequotas" else { continue }
                await queue.add(ns)
            }
        }
    }

    func namespacesWithQuotas() -> [String] {
        guard let cache = try? registry.cache(quotas) else { return [] }
        return Set(cache.objects().compactMap(\.namespace)).sorted()
    }

    enum Outcome { case done, retry }

    /// Recomputes every quota of one namespace and writes the ones whose status is off;
    /// `.retry` when a quota changed meanwhile (admission charged it), so the count is redone.
    func reconcile(namespace: String) async -> Outcome {
        guard let cache = try? registry.cache(quotas) else { return .done }
        try? await cache.waitUntilConsistent()
        let items = cache.objects(namespace: namespace)
        guard !items.isEmpty else { return .done }
        var outcome = Outcome.done
        let now = Int64(Date().timeIntervalSince1970)
        var objectsByKind: [String: (ResourceType, [JSON])] = [:]
        for item in items {
            let quota = item.object
            let hard = QuotaUsage.resourceList(quota[path: ["spec", "hard"]])
            var used: [String: Quantity] = [:]
            for name in hard.keys { used[name] = Quantity(value: 0, format: .decimalSI) }
            for r in kinds(for: Array(hard.keys)) {
                let objects: [JSON]
                if let cached = objectsByKind[r.keyPrefix] { objects = cached.1 } else {
                    guard let c = try? registry.cache(r) else { continue }
                    // Objects admitted before the quota was read must be counted: read them at
                    // least as fresh as the store.
                    try? await c.waitUntilConsistent()
                    objects = c.objects(namespace: namespace).map(\.object)
                    objectsByKind[r.keyPrefix] = (r, objects)
                }
                for o in objects where QuotaUsage.matchesScopes(quota: quota, object: o, r) {
                    for (k, v) in QuotaUsage.usage(of: o, r, now: now) where hard[k] != nil { used[k] = used[k].map { $0 + v } ?? v }
                }
            }
            let status: JSON = ["hard": QuotaUsage.json(hard), "used": QuotaUsage.json(used)]
            if quota["status"] == status { continue }
            do {
                _ = try await registry.guaranteedUpdate(quotas, namespace: namespace, name: item.name, precondition: item.revision,
                                                        options: WriteOptions(fieldManager: "resourcequota-controller")) { current throws(APIError) in
                    var next = current
                    next["status"] = status
                    return next
                }
            } catch where error.code == 409 {
                outcome = .retry
            } catch where error.code == 404 {
                continue
            } catch {
                logger.warning("resourcequota \(namespace)/\(item.name): \(error)")
            }
        }
        return outcome
    }

    /// The kinds whose objects count toward these quota resource names (those admission would
    /// charge for them).
    func kinds(for names: [String]) -> [ResourceType] {
        core.catalog.storedResources.filter { $0.namespaced && !QuotaUsage.isIgnored($0) && !QuotaUsage.matchingResources(names, $0).isEmpty }
    }
}
