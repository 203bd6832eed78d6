import Foundation
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Rolls Deployments out through ReplicaSets: claims the ReplicaSets its selector matches,
/// carries out `DeploymentRollout.next()` (create the ReplicaSet of the current template, scale
/// new up and old down within maxSurge/maxUnavailable or all old first for Recreate, renumber a
/// rolled-back template, drop history beyond `revisionHistoryLimit`), records `ScalingReplicaSet`
/// Events, and writes status with the Available and Progressing conditions that
/// `kubectl rollout status` reads. Rollback (`kubectl rollout undo`) is the client putting an
/// old template back; this controller then finds that template's ReplicaSet and renumbers it.
public struct DeploymentController: Reconciler {
    public var name: String { "deployment-controller" }
    let context: WorkloadContext
    let deployments: ResourceType
    let replicaSets: ResourceType
    let deploymentCache: WatchCache
    let replicaSetCache: WatchCache

    public init(context: WorkloadContext) throws {
        guard let d = context.type("apps", "v1", "deployments"), let rs = context.type("apps", "v1", "replicasets") else {
            throw APIError.internalError("deployments or replicasets are not served")
        }
        self.context = context
        deployments = d
        replicaSets = rs
        deploymentCache = try context.registry.cache(d)
        replicaSetCache = try context.registry.cache(rs)
    }

    public func start() async throws -> [String] {
        await deploymentCache.waitUntilReady()
        await replicaSetCache.waitUntilReady()
        return deploymentCache.objects().compactMap(\.namespacedKey)
    }

    public func keys(for change: ObjectChange) -> [String] {
        let r = change.resource
        guard r.group == "apps", r.plural == "deployments" || r.plural == "replicasets" else { return [] }
        guard let object = change.object else { return [] }
        if r.plural == "deployments" { return object.namespacedKey.map { [$0] } ?? [] }
        if let owner = ControllerRef.key(of: object.object, kind: "Deployment", group: "apps") { return [owner] }
        guard ControllerRef.of(object.object) == nil, let ns = object.namespace else { return [] }
        return deploymentCache.objects(namespace: ns).filter { Self.selector(of: $0.object).matches(object: object.object) }
            .compactMap(\.namespacedKey)
    }

    static func selector(of deployment: JSON) -> LabelSelector {
        (try? LabelSelector(json: deployment[path: ["spec", "selector"]] ?? .null)) ?? .nothing
    }

    public func reconcile(_ key: String) async -> Duration? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let cached = deploymentCache.get(deployments.key(namespace: parts[0], name: parts[1])) else { return nil }
        let (namespace, name) = (parts[0], parts[1])
        let deployment = cached.object
        let reference = ControllerRef.reference(to: deployment, apiVersion: "apps/v1", kind: "Deployment")
        let claim = OwnershipClaim(ownerUID: deployment.string("metadata", "uid") ?? "", selector: Self.selector(of: deployment),
                                   candidates: replicaSetCache.objects(namespace: namespace))
        let owned = await context.settle(claim, replicaSets, owner: deployment, reference: reference).map(\.object)
        let rollout = DeploymentRollout(deployment: deployment, replicaSets: owned)

        var created: String?
        var newest: Int64 = 0
        var retry = false
        for step in rollout.next() {
            do {
                switch step {
                case .create(let rs):
                    let made = try await createReplicaSet(rs, deployment: deployment)
                    created = made.name
                    newest = max(newest, made.revision)
                    await context.event(deployment, kind: "Deployment", apiVersion: "apps/v1", reason: "ScalingReplicaSet",
                                        "Scaled up replica set \(made.name) from 0 to \(made.object[path: ["spec", "replicas"]]?.intValue ?? 0)")
                case .scale(let rsName, let from, let to):
                    let written = try await updateReplicaSet(namespace, rsName) { rs in
                        rs[path: ["spec", "replicas"]] = .int(Int64(to))
                        rs[path: ["metadata", "annotations", DeploymentRollout.desiredReplicasAnnotation]] = .string(String(rollout.desired))
                        rs[path: ["metadata", "annotations", DeploymentRollout.maxReplicasAnnotation]] = .string(String(rollout.desired + rollout.maxSurge))
                    }
                    newest = max(newest, written.revision)
                    await context.event(deployment, kind: "Deployment", apiVersion: "apps/v1", reason: "ScalingReplicaSet",
                                        "Scaled \(to > from ? "up" : "down") replica set \(rsName) from \(from) to \(to)")
                case .revise(let rsName, let revision, let history):
                    let cause = deployment.string("metadata", "annotations", "kubernetes.io/change-cause")
                    let written = try await updateReplicaSet(namespace, rsName) { rs in
                        rs[path: ["metadata", "annotations", DeploymentRollout.revisionAnnotation]] = .string(String(revision))
                        if let history { rs[path: ["metadata", "annotations", DeploymentRollout.revisionHistoryAnnotation]] = .string(history) }
                        if let cause { rs[path: ["metadata", "annotations", "kubernetes.io/change-cause"]] = .string(cause) }
                    }
                    newest = max(newest, written.revision)
                case .delete(let rsName):
                    let result = try await context.registry.delete(replicaSets, namespace: namespace, name: rsName,
                                                                   options: DeleteOptions(), write: context.options)
                    newest = max(newest, result.object.revision)
                }
            } catch where error.code == 404 || error.code == 409 {
                retry = true
            } catch {
                context.logger.warning("\(self.name): \(key): \(error)")
                retry = true
            }
        }
        if newest > 0 { _ = await replicaSetCache.waitUntilFresh(newest) }

        // Status from the ReplicaSets as they now stand.
        let current = owned.compactMap { rs in replicaSetCache.get(replicaSets.key(namespace: namespace, name: rs.string("metadata", "name") ?? ""))?.object }
            + (created.flatMap { replicaSetCache.get(replicaSets.key(namespace: namespace, name: $0))?.object }.map { [$0] } ?? [])
        let seconds = Int64(Date().timeIntervalSince1970)
        let after = DeploymentRollout(deployment: deployment, replicaSets: current)
        let status = after.status(now: Timestamp.now(), nowSeconds: seconds, created: created)
        do {
            let written = try await context.writeStatus(deployments, namespace: namespace, name: name, uid: deployment.string("metadata", "uid")) { latest in
                // The collision count only grows, and may have grown since this look began.
                var next = status
                let stored = latest[path: ["status", "collisionCount"]]?.intValue ?? 0
                if stored > (next["collisionCount"]?.intValue ?? 0) { next["collisionCount"] = .int(stored) }
                return next
            }
            if let revision = after.newReplicaSet.map(DeploymentRollout.revision), revision > 0,
               written.object.string("metadata", "annotations", DeploymentRollout.revisionAnnotation) != String(revision) {
                _ = try await context.registry.guaranteedUpdate(deployments, namespace: namespace, name: name, precondition: nil,
                                                                options: context.options) { d throws(APIError) in
                    var next = d
                    next[path: ["metadata", "annotations", DeploymentRollout.revisionAnnotation]] = .string(String(revision))
                    return next
                }
            }
        } catch where error.code == 404 || error.code == 409 {
            return nil
        } catch {
            context.logger.warning("\(self.name): status of \(key): \(error)")
            return .seconds(1)
        }
        if retry { return .seconds(1) }
        var again = DeploymentRollout(deployment: deploymentCache.get(cached.key)?.object ?? deployment, replicaSets: current)
            .secondsToDeadline(nowSeconds: seconds).map { Duration.seconds($0) }
        if created != nil { again = .milliseconds(100) }
        return again
    }

    /// Creates the ReplicaSet; a name taken by a ReplicaSet of another template is a hash
    /// collision, counted in `status.collisionCount` so the next name differs.
    func createReplicaSet(_ rs: JSON, deployment: JSON) async throws(APIError) -> CachedObject {
        let namespace = deployment.string("metadata", "namespace")
        do {
            return try await context.registry.create(replicaSets, namespace: namespace, object: rs, options: context.options)
        } catch where error.code == 409 {
            let rsName = rs.string("metadata", "name") ?? ""
            if let existing = replicaSetCache.get(replicaSets.key(namespace: namespace, name: rsName))?.object,
               ControllerRef.of(existing)?.string("uid") == deployment.string("metadata", "uid"),
               PodTemplateHash.comparable(existing[path: ["spec", "template"]] ?? [:]) == PodTemplateHash.comparable(deployment[path: ["spec", "template"]] ?? [:]) {
                throw error  // ours already; the next look finds it
            }
            try await context.writeStatus(deployments, namespace: namespace ?? "", name: deployment.string("metadata", "name") ?? "",
                                          uid: deployment.string("metadata", "uid")) { current in
                var s = current["status"] ?? [:]
                s["collisionCount"] = .int((current[path: ["status", "collisionCount"]]?.intValue ?? 0) + 1)
                return s
            }
            throw error
        }
    }

    func updateReplicaSet(_ namespace: String, _ name: String, _ change: @escaping @Sendable (inout JSON) -> Void) async throws(APIError) -> CachedObject {
        try await context.registry.guaranteedUpdate(replicaSets, namespace: namespace, name: name, precondition: nil, options: context.options) { current throws(APIError) in
            var next = current
            change(&next)
            return next
        }
    }
}
