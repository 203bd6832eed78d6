import Foundation
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Keeps the status of every PodDisruptionBudget (upstream's disruption controller), which the
/// eviction subresource reads: `expectedPods`, `desiredHealthy` (from `minAvailable` or
/// `maxUnavailable`, percentages against the replicas of the pods' controllers),
/// `currentHealthy` (ready pods not being deleted and not just evicted), `disruptionsAllowed`,
/// the `DisruptionAllowed` condition, and `disruptedPods` entries dropped once their pod is gone
/// or two minutes have passed.
public struct DisruptionController: Reconciler {
    public var name: String { "disruption-controller" }
    /// How long an eviction counts against a budget while its pod has not gone (upstream's DeletionTimeout).
    static let evictionWindow: TimeInterval = 120
    let context: WorkloadContext
    let budgets: ResourceType
    let budgetCache: WatchCache
    let podCache: WatchCache
    /// Controllers whose replicas are a budget's expected pods, by owner kind.
    let scaleCaches: [String: WatchCache]
    let deploymentCache: WatchCache?

    public init(context: WorkloadContext) throws {
        guard let budgets = context.type("policy", "v1", "poddisruptionbudgets"), let pods = context.type("", "v1", "pods") else {
            throw APIError.internalError("pods or poddisruptionbudgets are not served")
        }
        self.context = context
        self.budgets = budgets
        budgetCache = try context.registry.cache(budgets)
        podCache = try context.registry.cache(pods)
        var scales: [String: WatchCache] = [:]
        for (kind, group, plural) in [("ReplicaSet", "apps", "replicasets"), ("StatefulSet", "apps", "statefulsets"),
                                      ("ReplicationController", "", "replicationcontrollers")] {
            if let r = context.type(group, "v1", plural) { scales[kind] = try context.registry.cache(r) }
        }
        scaleCaches = scales
        deploymentCache = try context.type("apps", "v1", "deployments").map { try context.registry.cache($0) }
    }

    public func start() async throws -> [String] {
        for c in [budgetCache, podCache] + Array(scaleCaches.values) + (deploymentCache.map { [$0] } ?? []) { await c.waitUntilReady() }
        return budgetCache.objects().compactMap(\.namespacedKey)
    }

    public func keys(for change: ObjectChange) -> [String] {
        guard let object = change.object else { return [] }
        switch (change.resource.group, change.resource.plural) {
        case ("policy", "poddisruptionbudgets"):
            return object.namespacedKey.map { [$0] } ?? []
        case ("", "pods"):
            guard let ns = object.namespace else { return [] }
            return budgetCache.objects(namespace: ns).compactMap(\.namespacedKey)
        default:
            return []
        }
    }

    public func reconcile(_ key: String) async -> Duration? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let cached = budgetCache.get(budgets.key(namespace: parts[0], name: parts[1])) else { return nil }
        let budget = cached.object
        let (namespace, name) = (parts[0], parts[1])
        var pods: [JSON] = []
        if let json = budget[path: ["spec", "selector"]], !json.isNull, let selector = try? LabelSelector(json: json) {
            pods = podCache.objects(namespace: namespace).map(\.object).filter { selector.matches(labels: $0[path: ["metadata", "labels"]]?.objectValue) }
        }
        let now = Date()
        // Evictions still under way: their pods exist and the window has not passed.
        var disrupted = JSONObject()
        var nextExpiry: TimeInterval?
        let present = Set(pods.filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }.compactMap { $0.string("metadata", "name") })
        for (podName, at) in budget[path: ["status", "disruptedPods"]]?.objectValue ?? JSONObject() {
            guard present.contains(podName), let t = at.stringValue.flatMap(RFC3339.parse) else { continue }
            let expiry = TimeInterval(t.seconds) + Self.evictionWindow - now.timeIntervalSince1970
            guard expiry > 0 else { continue }
            disrupted[podName] = at
            nextExpiry = min(nextExpiry ?? expiry, expiry)
        }
        let healthy = pods.filter { pod in
            pod[path: ["metadata", "deletionTimestamp"]] == nil && disrupted[pod.string("metadata", "name") ?? ""] == nil
                && (pod[path: ["status", "conditions"]]?.arrayValue ?? []).contains { $0.string("type") == "Ready" && $0.string("status") == "True" }
        }.count
        let (expected, desired) = expectation(budget, pods: pods)
        let allowed = expected > 0 ? max(0, healthy - desired) : 0
        let generation = budget[path: ["metadata", "generation"]] ?? .null
        do {
            // Only over the budget this look read: an eviction may have spent a disruption since,
            // and a status from older counts would give it back (409 → look again).
            _ = try await context.registry.guaranteedUpdate(budgets, namespace: namespace, name: name, precondition: cached.revision,
                                                            options: WriteOptions(fieldManager: "disruption-controller")) { current throws(APIError) in
                var s: JSON = ["observedGeneration": generation, "disruptionsAllowed": .int(Int64(allowed)),
                               "currentHealthy": .int(Int64(healthy)), "desiredHealthy": .int(Int64(desired)), "expectedPods": .int(Int64(expected))]
                if !disrupted.isEmpty { s["disruptedPods"] = .object(disrupted) }
                let status = allowed > 0 ? "True" : "False"
                let old = (current[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0.string("type") == "DisruptionAllowed" }
                let since = old?.string("status") == status ? (old?["lastTransitionTime"] ?? .string(Timestamp.now())) : .string(Timestamp.now())
                s["conditions"] = [["type": "DisruptionAllowed", "status": .string(status), "observedGeneration": generation,
                                    "lastTransitionTime": since, "reason": allowed > 0 ? "SufficientPods" : "InsufficientPods", "message": ""]]
                var next = current
                next["status"] = s
                return next
            }
        } catch where error.code == 404 || error.code == 409 {
            return .milliseconds(200)
        } catch {
            context.logger.warning("\(self.name): status of \(key): \(error)")
            return .seconds(1)
        }
        return nextExpiry.map { .milliseconds(Int64($0 * 1000) + 100) }
    }

    /// (expected pods, desired healthy) as upstream works them out: an integer `minAvailable`
    /// against the pods there are; a percentage, or `maxUnavailable`, against the replicas of the
    /// pods' controllers (a ReplicaSet's Deployment, StatefulSets, ReplicationControllers; a pod
    /// without one counts as one).
    func expectation(_ budget: JSON, pods: [JSON]) -> (Int, Int) {
        let minAvailable = IntOrPercent(budget[path: ["spec", "minAvailable"]])
        if case .count(let n) = minAvailable { return (pods.count, n) }
        var expected = 0
        var seen: Set<String> = []
        for pod in pods {
            guard let owner = (pod[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).first(where: { $0["controller"]?.boolValue == true }),
                  let kind = owner.string("kind"), let ownerName = owner.string("name"), let cache = scaleCaches[kind] else {
                expected += 1
                continue
            }
            guard seen.insert(kind + "/" + ownerName).inserted else { continue }
            let namespace = pod.string("metadata", "namespace") ?? ""
            guard let controller = cache.objects(namespace: namespace).first(where: { $0.object.string("metadata", "name") == ownerName })?.object else {
                expected += 1
                continue
            }
            // A Deployment's ReplicaSets count as the Deployment, once.
            if kind == "ReplicaSet", let deploymentName = (controller[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [])
                .first(where: { $0.string("kind") == "Deployment" && $0["controller"]?.boolValue == true })?.string("name") {
                guard seen.insert("Deployment/" + deploymentName).inserted else { continue }
                if let deployment = deploymentCache?.objects(namespace: namespace).first(where: { $0.object.string("metadata", "name") == deploymentName })?.object {
                    expected += Int(deployment[path: ["spec", "replicas"]]?.intValue ?? 1)
                    continue
                }
            }
            expected += Int(controller[path: ["spec", "replicas"]]?.intValue ?? 1)
        }
        if let minAvailable { return (expected, minAvailable.scaled(expected, roundUp: true)) }
        if let maxUnavailable = IntOrPercent(budget[path: ["spec", "maxUnavailable"]]) {
            return (expected, max(0, expected - maxUnavailable.scaled(expected, roundUp: true)))
        }
        return (expected, expected)
    }
}
