import Foundation
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Keeps one pod of each DaemonSet on every node that should run it: claims the pods its
/// selector matches, records the template as a ControllerRevision (what `kubectl rollout
/// history|undo daemonset` read), carries out `DaemonSetPlan` (create on nodes that lack a pod,
/// delete misplaced, failed, duplicate and — rolling within `maxUnavailable` — outdated pods),
/// and writes the status `kubectl rollout status daemonset` reads. Pods are bound by the
/// scheduler through their node affinity, as upstream does since 1.12.
public struct DaemonSetController: Reconciler {
    public var name: String { "daemon-set-controller" }
    let context: WorkloadContext
    let daemonSets: ResourceType
    let podType: ResourceType
    let revisions: ResourceType
    let daemonSetCache: WatchCache
    let podCache: WatchCache
    let nodeCache: WatchCache
    let revisionCache: WatchCache
    /// What each node last showed of the fields that decide where daemons run, so heartbeats
    /// (status-only node updates) do not wake every DaemonSet.
    let placements = NodePlacements()

    public init(context: WorkloadContext) throws {
        guard let ds = context.type("apps", "v1", "daemonsets"), let pods = context.type("", "v1", "pods"),
              let nodes = context.type("", "v1", "nodes"), let revisions = context.type("apps", "v1", "controllerrevisions") else {
            throw APIError.internalError("daemonsets, pods, nodes or controllerrevisions are not served")
        }
        self.context = context
        daemonSets = ds
        podType = pods
        self.revisions = revisions
        daemonSetCache = try context.registry.cache(ds)
        podCache = try context.registry.cache(pods)
        nodeCache = try context.registry.cache(nodes)
        revisionCache = try context.registry.cache(revisions)
    }

    public func start() async throws -> [String] {
        for cache in [podCache, nodeCache, revisionCache, daemonSetCache] { await cache.waitUntilReady() }
        return daemonSetCache.objects().compactMap(\.namespacedKey)
    }

    public func keys(for change: ObjectChange) -> [String] {
        let r = change.resource
        guard let object = change.object else { return [] }
        if r.group == "apps" && r.plural == "daemonsets" { return object.namespacedKey.map { [$0] } ?? [] }
        // A node that comes, goes or changes labels or taints may change where every daemon runs.
        if r.group.isEmpty && r.plural == "nodes" {
            guard placements.changed(change) else { return [] }
            return daemonSetCache.objects().compactMap(\.namespacedKey)
        }
        guard r.group.isEmpty && r.plural == "pods" else { return [] }
        if let owner = ControllerRef.key(of: object.object, kind: "DaemonSet", group: "apps") { return [owner] }
        guard ControllerRef.of(object.object) == nil, let ns = object.namespace else { return [] }
        if case .deleted = change.event { return [] }
        return daemonSetCache.objects(namespace: ns).filter { Self.selector(of: $0.object).matches(object: object.object) }
            .compactMap(\.namespacedKey)
    }

    static func selector(of daemonSet: JSON) -> LabelSelector {
        (try? LabelSelector(json: daemonSet[path: ["spec", "selector"]] ?? .null)) ?? .nothing
    }

    public func reconcile(_ key: String) async -> Duration? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let cached = daemonSetCache.get(daemonSets.key(namespace: parts[0], name: parts[1])) else { return nil }
        let (namespace, dsName) = (parts[0], parts[1])
        let daemonSet = cached.object
        let reference = ControllerRef.reference(to: daemonSet, apiVersion: "apps/v1", kind: "DaemonSet")
        let claim = OwnershipClaim(ownerUID: daemonSet.string("metadata", "uid") ?? "", selector: Self.selector(of: daemonSet),
                                   candidates: podCache.objects(namespace: namespace))
        let pods = await context.settle(claim, podType, owner: daemonSet, reference: reference).map(\.object)
        let template = daemonSet[path: ["spec", "template"]] ?? [:]
        let collisions = daemonSet[path: ["status", "collisionCount"]]?.intValue
        let hash = PodTemplateHash.of(template, collisionCount: collisions)
        if daemonSet[path: ["metadata", "deletionTimestamp"]] == nil {
            do {
                try await recordRevision(daemonSet, template: template, hash: hash, reference: reference)
            } catch {
                context.logger.warning("\(name): revision of \(key): \(error)")
                return .seconds(1)
            }
        }
        let plan = DaemonSetPlan(daemonSet, hash: hash, nodes: nodeCache.objects().map(\.object), pods: pods,
                                 now: Int64(Date().timeIntervalSince1970))

        for pod in plan.failed {
            await context.event(daemonSet, kind: "DaemonSet", apiVersion: "apps/v1", reason: "FailedDaemonPod",
                                "Found failed daemon pod \(namespace)/\(pod.string("metadata", "name") ?? "") on node \(pod.string("spec", "nodeName") ?? ""), will try to kill it",
                                type: "Warning")
        }
        var newest: Int64 = 0
        var failure: String?
        if !plan.delete.isEmpty {
            let (deleted, deleteFailure) = await context.deletePods(plan.delete, podType, owner: daemonSet, kind: "DaemonSet", apiVersion: "apps/v1")
            newest = deleted
            failure = deleteFailure
        }
        let base = PodTemplate.pod(from: template, namespace: namespace, generateName: dsName + "-", owner: reference)
        let generation = daemonSet[path: ["metadata", "generation"]]?.intValue
        for node in plan.createOn where failure == nil {
            let pod = DaemonSetPlan.pod(base, template: template, node: node, hash: hash, generation: generation)
            let (created, createFailure) = await context.createPods(1, pod, podType, owner: daemonSet, kind: "DaemonSet", apiVersion: "apps/v1")
            newest = max(newest, created)
            failure = createFailure
        }
        // Read what was just written before deciding again, so nothing is made twice.
        if newest > 0 { _ = await podCache.waitUntilFresh(newest) }

        do {
            try await context.writeStatus(daemonSets, namespace: namespace, name: dsName, uid: daemonSet.string("metadata", "uid")) { current in
                var next = plan.status
                if let c = current[path: ["status", "collisionCount"]], !c.isNull { next["collisionCount"] = c }
                if let conditions = current[path: ["status", "conditions"]], !conditions.isNull { next["conditions"] = conditions }
                return next
            }
        } catch where error.code == 404 || error.code == 409 {
            return nil
        } catch {
            context.logger.warning("\(name): status of \(key): \(error)")
            return .seconds(1)
        }
        // Failed pods are replaced after a pause, and refusals retried, rather than at once.
        if failure != nil || !plan.failed.isEmpty { return .seconds(5) }
        return plan.recheckAfter.map { .seconds($0) }
    }

    /// Makes sure a ControllerRevision `<name>-<hash>` holds the current template, numbered one
    /// above every other revision of the DaemonSet (a rolled-back template's revision is
    /// renumbered, as upstream does), and drops history beyond `revisionHistoryLimit`.
    func recordRevision(_ daemonSet: JSON, template: JSON, hash: String, reference: JSON) async throws(APIError) {
        let namespace = daemonSet.string("metadata", "namespace") ?? ""
        let uid = daemonSet.string("metadata", "uid")
        let owned = revisionCache.objects(namespace: namespace).filter { ControllerRef.of($0.object)?.string("uid") == uid }
        let highest = owned.map { $0.object["revision"]?.intValue ?? 0 }.max() ?? 0
        let name = "\(daemonSet.string("metadata", "name") ?? "")-\(hash)"
        if let existing = owned.first(where: { $0.name == name }) {
            if (existing.object["revision"]?.intValue ?? 0) < highest {
                let written = try await context.registry.guaranteedUpdate(revisions, namespace: namespace, name: name, precondition: nil,
                                                                          options: context.options) { current throws(APIError) in
                    var next = current
                    next["revision"] = .int(highest + 1)
                    return next
                }
                _ = await revisionCache.waitUntilFresh(written.revision)
            }
        } else {
            var labels = template[path: ["metadata", "labels"]] ?? [:]
            labels[DaemonSetPlan.hashLabel] = .string(hash)
            var replaced = template
            replaced["$patch"] = "replace"
            let revision: JSON = ["apiVersion": "apps/v1", "kind": "ControllerRevision",
                                  "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labels,
                                               "ownerReferences": [reference]],
                                  "data": ["spec": ["template": replaced]], "revision": .int(highest + 1)]
            do {
                let made = try await context.registry.create(revisions, namespace: namespace, object: revision, options: context.options)
                _ = await revisionCache.waitUntilFresh(made.revision)
            } catch where error.code == 409 {
                let holder = try? await context.registry.get(revisions, namespace: namespace, name: name)
                if let holder, ControllerRef.of(holder.object)?.string("uid") == uid { return }
                // Someone else's revision holds the name: count a collision so the hash changes.
                try await context.writeStatus(daemonSets, namespace: namespace, name: daemonSet.string("metadata", "name") ?? "", uid: uid) { current in
                    var status = current["status"] ?? [:]
                    status["collisionCount"] = .int((current[path: ["status", "collisionCount"]]?.intValue ?? 0) + 1)
                    return status
                }
                throw error
            }
        }
        let limit = Int(daemonSet[path: ["spec", "revisionHistoryLimit"]]?.intValue ?? 10)
        let history = revisionCache.objects(namespace: namespace)
            .filter { ControllerRef.of($0.object)?.string("uid") == uid && $0.name != name }
            .sorted { ($0.object["revision"]?.intValue ?? 0) < ($1.object["revision"]?.intValue ?? 0) }
        for old in history.dropLast(max(0, limit)) {
            _ = try? await context.registry.delete(revisions, namespace: namespace, name: old.name,
                                                   options: DeleteOptions(uid: old.object.string("metadata", "uid")), write: context.options)
        }
    }
}
