import Foundation
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Keeps ReplicaSets (and, with `.replicationControllers`, ReplicationControllers) at their
/// replica count: adopts matching orphan pods, creates pods from the template (in batches of
/// 1, 2, 4, … that stop at the first refusal, as upstream's slow start does, so a quota refusal
/// costs one request), deletes the surplus in upstream's order, and reports status with the
/// `ReplicaFailure` condition when creating or deleting fails.
public struct ReplicaSetController: Reconciler {
    /// Which of the two kinds this instance keeps.
    public struct Kind: Sendable {
        var group: String, version: String, plural: String, kind: String, component: String
        /// ReplicationControllers select with a plain label map.
        var mapSelector: Bool
        public static let replicaSets = Kind(group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet",
                                            component: "replicaset-controller", mapSelector: false)
        public static let replicationControllers = Kind(group: "", version: "v1", plural: "replicationcontrollers",
                                                       kind: "ReplicationController", component: "replication-controller", mapSelector: true)
        var apiVersion: String { group.isEmpty ? version : group + "/" + version }
    }

    public var name: String { kind.component }
    let kind: Kind
    let context: WorkloadContext
    let owners: ResourceType
    let podType: ResourceType
    let ownerCache: WatchCache
    let podCache: WatchCache

    public init(_ kind: Kind, context: WorkloadContext) throws {
        guard let owners = context.type(kind.group, kind.version, kind.plural), let pods = context.type("", "v1", "pods") else {
            throw APIError.internalError("\(kind.plural) or pods are not served")
        }
        self.kind = kind
        self.context = context
        self.owners = owners
        self.podType = pods
        self.ownerCache = try context.registry.cache(owners)
        self.podCache = try context.registry.cache(pods)
    }

    public func start() async throws -> [String] {
        await podCache.waitUntilReady()
        await ownerCache.waitUntilReady()
        return ownerCache.objects().compactMap(\.namespacedKey)
    }

    public func keys(for change: ObjectChange) -> [String] {
        let r = change.resource
        guard let object = change.object else { return [] }
        if r.group == kind.group && r.plural == kind.plural { return object.namespacedKey.map { [$0] } ?? [] }
        guard r.group.isEmpty && r.plural == "pods" else { return [] }
        let pod = object.object
        if let owner = ControllerRef.key(of: pod, kind: kind.kind, group: kind.group) { return [owner] }
        // An orphan that some owner's selector matches may be adopted.
        guard ControllerRef.of(pod) == nil, let ns = object.namespace else { return [] }
        if case .deleted = change.event { return [] }
        return ownerCache.objects(namespace: ns).filter { selector(of: $0.object).matches(object: pod) }.compactMap(\.namespacedKey)
    }

    func selector(of owner: JSON) -> LabelSelector {
        let json = owner[path: ["spec", "selector"]] ?? .null
        if kind.mapSelector {
            var labels: [String: String] = [:]
            for (k, v) in json.objectValue ?? JSONObject() { if let v = v.stringValue { labels[k] = v } }
            return labels.isEmpty ? .nothing : LabelSelector(matchLabels: labels)
        }
        return (try? LabelSelector(json: json)) ?? .nothing
    }

    public func reconcile(_ key: String) async -> Duration? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let cached = ownerCache.get(owners.key(namespace: parts[0], name: parts[1])) else { return nil }
        let (namespace, ownerName) = (parts[0], parts[1])
        let owner = cached.object
        let reference = ControllerRef.reference(to: owner, apiVersion: kind.apiVersion, kind: kind.kind)
        let claim = OwnershipClaim(ownerUID: owner.string("metadata", "uid") ?? "", selector: selector(of: owner),
                                   candidates: podCache.objects(namespace: namespace))
        let pods = await context.settle(claim, podType, owner: owner, reference: reference).map(\.object)
        let sync = ReplicaSetSync(owner, pods: pods, now: Int64(Date().timeIntervalSince1970))

        var failure: String?
        var newest: Int64 = 0
        if sync.create > 0 {
            let template = owner[path: ["spec", "template"]] ?? [:]
            let pod = PodTemplate.pod(from: template, namespace: namespace, generateName: ownerName + "-", owner: reference)
            (newest, failure) = await context.createPods(sync.create, pod, podType, owner: owner, kind: kind.kind, apiVersion: kind.apiVersion)
        }
        if !sync.delete.isEmpty {
            let (deleted, deleteFailure) = await context.deletePods(sync.delete, podType, owner: owner, kind: kind.kind, apiVersion: kind.apiVersion)
            newest = max(newest, deleted)
            failure = failure ?? deleteFailure
        }
        // Read what was just written before deciding again, so nothing is made twice.
        if newest > 0 { _ = await podCache.waitUntilFresh(newest) }

        let uid = owner.string("metadata", "uid")
        do {
            try await context.writeStatus(owners, namespace: namespace, name: ownerName, uid: uid) { current in
                var next = current
                next["status"] = sync.status
                let others = (current[path: ["status", "conditions"]]?.arrayValue ?? []).filter { $0.string("type") != "ReplicaFailure" }
                if !others.isEmpty { next[path: ["status", "conditions"]] = .array(others) }
                if let failure {
                    if let existing = current[path: ["status", "conditions"]]?.arrayValue?.first(where: { $0.string("type") == "ReplicaFailure" }) {
                        next[path: ["status", "conditions"]] = .array(others + [existing])
                    }
                    Conditions.set(&next, type: "ReplicaFailure", status: "True", reason: sync.create > 0 ? "FailedCreate" : "FailedDelete",
                                   message: failure, now: Timestamp.now())
                }
                return next["status"] ?? sync.status
            }
        } catch where error.code == 404 || error.code == 409 {
            return nil
        } catch {
            context.logger.warning("\(name): status of \(key): \(error)")
            return .seconds(1)
        }
        if failure != nil { return .seconds(5) }
        return sync.recheckAfter.map { .seconds($0) }
    }
}
