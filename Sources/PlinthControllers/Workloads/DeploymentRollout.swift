import PlinthAPIMachinery
import PlinthJSON

/// One Deployment and the ReplicaSets it owns, and what to do next (upstream's deployment
/// controller, `sync`, `rolloutRolling`, `rolloutRecreate`, `calculateStatus`), as pure logic:
/// the controller carries out `next()` and writes `status(…)`, then looks again.
public struct DeploymentRollout: Sendable {
    public static let revisionAnnotation = "deployment.kubernetes.io/revision"
    public static let revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
    public static let desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
    public static let maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"
    /// Deployment annotations that are not copied onto its ReplicaSets.
    static let notCopied: Set<String> = ["kubectl.kubernetes.io/last-applied-configuration", revisionAnnotation,
                                         revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation]

    /// A write that moves the rollout on.
    public enum Step: Sendable, Equatable {
        /// Create this ReplicaSet (the Deployment's current template).
        case create(JSON)
        /// Set a ReplicaSet's replicas (and the desired/max annotations upstream keeps on it).
        case scale(name: String, from: Int, to: Int)
        /// Give the current ReplicaSet a new revision (a rollback to an older template).
        case revise(name: String, revision: Int, history: String?)
        /// Remove an old, empty ReplicaSet beyond `revisionHistoryLimit`.
        case delete(name: String)
    }

    public let deployment: JSON
    /// The ReplicaSet whose template is the Deployment's, if there is one.
    public let newReplicaSet: JSON?
    /// Every other owned ReplicaSet, oldest first.
    public let oldReplicaSets: [JSON]
    public let desired: Int
    public let maxSurge: Int
    public let maxUnavailable: Int

    public init(deployment: JSON, replicaSets: [JSON]) {
        self.deployment = deployment
        let template = deployment[path: ["spec", "template"]] ?? [:]
        let live = replicaSets.filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }
            .sorted { ($0.string("metadata", "creationTimestamp") ?? "", $0.string("metadata", "name") ?? "")
                < ($1.string("metadata", "creationTimestamp") ?? "", $1.string("metadata", "name") ?? "") }
        let wanted = PodTemplateHash.comparable(template)
        let newRS = live.first { PodTemplateHash.comparable($0[path: ["spec", "template"]] ?? [:]) == wanted }
        newReplicaSet = newRS
        oldReplicaSets = live.filter { $0.string("metadata", "uid") != newRS?.string("metadata", "uid") }
        desired = Int(deployment[path: ["spec", "replicas"]]?.intValue ?? 1)
        if deployment.string("spec", "strategy", "type") != "Recreate" {
            let surge = IntOrPercent(deployment[path: ["spec", "strategy", "rollingUpdate", "maxSurge"]]) ?? .percent(25)
            let unavailable = IntOrPercent(deployment[path: ["spec", "strategy", "rollingUpdate", "maxUnavailable"]]) ?? .percent(25)
            let s = surge.scaled(desired, roundUp: true)
            var u = unavailable.scaled(desired, roundUp: false)
            if s == 0 && u == 0 { u = 1 }  // upstream's fencepost: a rollout must be able to move
            maxSurge = s
            maxUnavailable = min(u, desired)
        } else {
            maxSurge = 0
            maxUnavailable = 0
        }
    }

    var isRecreate: Bool { deployment.string("spec", "strategy", "type") == "Recreate" }
    var isPaused: Bool { deployment[path: ["spec", "paused"]]?.boolValue == true }
    var name: String { deployment.string("metadata", "name") ?? "" }

    static func replicas(_ rs: JSON) -> Int { Int(rs[path: ["spec", "replicas"]]?.intValue ?? 0) }
    static func count(_ rs: JSON, _ field: String) -> Int { Int(rs[path: ["status", field]]?.intValue ?? 0) }
    static func revision(_ rs: JSON) -> Int { Int(rs.string("metadata", "annotations", revisionAnnotation) ?? "") ?? 0 }

    /// The highest revision among the old ReplicaSets.
    var maxOldRevision: Int { oldReplicaSets.map(Self.revision).max() ?? 0 }

    /// The next writes, or none when the Deployment is where its spec says.
    public func next() -> [Step] {
        guard deployment[path: ["metadata", "deletionTimestamp"]] == nil else { return [] }
        guard let newRS = newReplicaSet else {
            // A paused Deployment does not start a rollout; it only scales what it has.
            if isPaused { return scaleWhilePaused() }
            return [.create(makeReplicaSet())]
        }
        let newName = newRS.string("metadata", "name") ?? ""
        if !isPaused, Self.revision(newRS) <= maxOldRevision {
            let previous = Self.revision(newRS)
            var history = newRS.string("metadata", "annotations", Self.revisionHistoryAnnotation).map { $0.split(separator: ",").map(String.init) } ?? []
            if previous > 0 { history.append(String(previous)) }
            return [.revise(name: newName, revision: maxOldRevision + 1, history: history.isEmpty ? nil : history.joined(separator: ","))]
        }
        if isPaused { return scaleWhilePaused() }
        let steps = isRecreate ? recreate(newRS) : rolling(newRS)
        if !steps.isEmpty { return steps }
        return isComplete ? cleanup() : []
    }

    /// Rolling update: scale the new ReplicaSet up within `maxSurge`, then old ones down within
    /// `maxUnavailable` (unhealthy replicas first).
    func rolling(_ newRS: JSON) -> [Step] {
        let newName = newRS.string("metadata", "name") ?? ""
        let newReplicas = Self.replicas(newRS)
        let all = [newRS] + oldReplicaSets
        let total = all.map(Self.replicas).reduce(0, +)
        if newReplicas > desired { return [.scale(name: newName, from: newReplicas, to: desired)] }
        if newReplicas < desired {
            let room = desired + maxSurge - total
            if room > 0 { return [.scale(name: newName, from: newReplicas, to: newReplicas + min(room, desired - newReplicas))] }
        }
        let oldTotal = oldReplicaSets.map(Self.replicas).reduce(0, +)
        guard oldTotal > 0 else { return [] }
        let minAvailable = desired - maxUnavailable
        let newUnavailable = newReplicas - Self.count(newRS, "availableReplicas")
        var budget = total - minAvailable - newUnavailable
        guard budget > 0 else { return [] }
        var steps: [Step] = []
        var target: [String: Int] = [:]
        // First the old replicas that are not available anyway.
        for rs in oldReplicaSets where Self.replicas(rs) > 0 && budget > 0 {
            let unhealthy = Self.replicas(rs) - Self.count(rs, "availableReplicas")
            guard unhealthy > 0 else { continue }
            let cut = min(unhealthy, budget)
            target[rs.string("metadata", "name") ?? ""] = Self.replicas(rs) - cut
            budget -= cut
        }
        // Then available ones, as far as availability allows.
        let available = all.map { Self.count($0, "availableReplicas") }.reduce(0, +)
        var canRemove = available - minAvailable
        for rs in oldReplicaSets where canRemove > 0 {
            let name = rs.string("metadata", "name") ?? ""
            let current = target[name] ?? Self.replicas(rs)
            guard current > 0 else { continue }
            let cut = min(current, canRemove)
            target[name] = current - cut
            canRemove -= cut
        }
        for rs in oldReplicaSets {
            let name = rs.string("metadata", "name") ?? ""
            if let to = target[name], to != Self.replicas(rs) { steps.append(.scale(name: name, from: Self.replicas(rs), to: to)) }
        }
        return steps
    }

    /// Recreate: every old pod gone before the new ReplicaSet scales up.
    func recreate(_ newRS: JSON) -> [Step] {
        let scaleDown = oldReplicaSets.filter { Self.replicas($0) > 0 }.map {
            Step.scale(name: $0.string("metadata", "name") ?? "", from: Self.replicas($0), to: 0)
        }
        if !scaleDown.isEmpty { return scaleDown }
        if oldReplicaSets.contains(where: { Self.count($0, "replicas") > 0 }) { return [] }
        let newReplicas = Self.replicas(newRS)
        return newReplicas == desired ? [] : [.scale(name: newRS.string("metadata", "name") ?? "", from: newReplicas, to: desired)]
    }

    /// Paused: only a change of `replicas` is followed, by the newest ReplicaSet with replicas.
    func scaleWhilePaused() -> [Step] {
        let active = ([newReplicaSet].compactMap { $0 } + oldReplicaSets.reversed()).filter { Self.replicas($0) > 0 }
        guard active.count == 1, let only = active.first, Self.replicas(only) != desired else { return [] }
        return [.scale(name: only.string("metadata", "name") ?? "", from: Self.replicas(only), to: desired)]
    }

    /// Old empty ReplicaSets beyond the history limit, oldest first.
    func cleanup() -> [Step] {
        let limit = Int(deployment[path: ["spec", "revisionHistoryLimit"]]?.intValue ?? 10)
        let empty = oldReplicaSets.filter { Self.replicas($0) == 0 && Self.count($0, "replicas") == 0 }
            .sorted { Self.revision($0) < Self.revision($1) }
        guard empty.count > limit else { return [] }
        return empty.prefix(empty.count - limit).map { .delete(name: $0.string("metadata", "name") ?? "") }
    }

    /// The ReplicaSet for the current template: `<deployment>-<hash>`, selecting the hash label too.
    public func makeReplicaSet() -> JSON {
        let collisions = deployment[path: ["status", "collisionCount"]]?.intValue
        var template = deployment[path: ["spec", "template"]] ?? [:]
        let hash = PodTemplateHash.of(template, collisionCount: collisions)
        template[path: ["metadata", "labels", PodTemplateHash.label]] = .string(hash)
        var selector = deployment[path: ["spec", "selector"]] ?? [:]
        selector[path: ["matchLabels", PodTemplateHash.label]] = .string(hash)
        var annotations = JSONObject()
        for (k, v) in deployment[path: ["metadata", "annotations"]]?.objectValue ?? JSONObject() where !Self.notCopied.contains(k) {
            annotations[k] = v
        }
        let initial: Int
        if isRecreate {
            initial = oldReplicaSets.contains { Self.replicas($0) > 0 || Self.count($0, "replicas") > 0 } ? 0 : desired
        } else {
            let total = oldReplicaSets.map(Self.replicas).reduce(0, +)
            initial = max(0, min(desired, desired + maxSurge - total))
        }
        annotations[Self.revisionAnnotation] = .string(String(maxOldRevision + 1))
        annotations[Self.desiredReplicasAnnotation] = .string(String(desired))
        annotations[Self.maxReplicasAnnotation] = .string(String(desired + maxSurge))
        var metadata: JSON = [
            "name": .string(name + "-" + hash), "namespace": deployment["metadata"]?["namespace"] ?? nil,
            "labels": template[path: ["metadata", "labels"]] ?? [:], "annotations": .object(annotations),
            "ownerReferences": [ControllerRef.reference(to: deployment, apiVersion: "apps/v1", kind: "Deployment")],
        ]
        if metadata["labels"] == nil { metadata["labels"] = [:] }
        var spec: JSON = ["replicas": .int(Int64(initial)), "selector": selector, "template": template]
        if let m = deployment[path: ["spec", "minReadySeconds"]], !m.isNull { spec["minReadySeconds"] = m }
        return ["apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": metadata, "spec": spec]
    }

    /// Every replica is of the new template, and available, and nothing else runs.
    public var isComplete: Bool {
        guard let newRS = newReplicaSet else { return desired == 0 && oldReplicaSets.allSatisfy { Self.count($0, "replicas") == 0 } }
        return Self.count(newRS, "replicas") == desired && Self.replicas(newRS) == desired
            && Self.count(newRS, "availableReplicas") >= desired
            && oldReplicaSets.allSatisfy { Self.count($0, "replicas") == 0 && Self.replicas($0) == 0 }
    }

    /// The Deployment's status: counts summed over its ReplicaSets and the Available and
    /// Progressing conditions. `created` names a ReplicaSet made in this step; `now` is RFC 3339,
    /// `nowSeconds` the same instant.
    public func status(now: String, nowSeconds: Int64, created: String? = nil) -> JSON {
        let all = [newReplicaSet].compactMap { $0 } + oldReplicaSets
        let previous = deployment["status"] ?? [:]
        let replicas = all.map { Self.count($0, "replicas") }.reduce(0, +)
        let updated = newReplicaSet.map { Self.count($0, "replicas") } ?? 0
        let ready = all.map { Self.count($0, "readyReplicas") }.reduce(0, +)
        let available = all.map { Self.count($0, "availableReplicas") }.reduce(0, +)
        let total = all.map(Self.replicas).reduce(0, +)
        var s: JSON = [:]
        if let g = deployment[path: ["metadata", "generation"]], !g.isNull { s["observedGeneration"] = g }
        if replicas > 0 { s["replicas"] = .int(Int64(replicas)) }
        if updated > 0 { s["updatedReplicas"] = .int(Int64(updated)) }
        if ready > 0 { s["readyReplicas"] = .int(Int64(ready)) }
        if available > 0 { s["availableReplicas"] = .int(Int64(available)) }
        if total - available > 0 { s["unavailableReplicas"] = .int(Int64(total - available)) }
        if let c = previous["collisionCount"], !c.isNull { s["collisionCount"] = c }
        var object: JSON = ["status": s]
        object[path: ["status", "conditions"]] = previous["conditions"]

        if available >= desired - maxUnavailable {
            Self.setCondition(&object, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now: now)
        } else {
            Self.setCondition(&object, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now: now)
        }
        let rsName = created ?? newReplicaSet?.string("metadata", "name")
        let progressing = (previous["conditions"]?.arrayValue ?? []).first { $0.string("type") == "Progressing" }
        if isPaused {
            Self.setCondition(&object, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now: now)
        } else if progressing?.string("reason") == "DeploymentPaused" {
            Self.setCondition(&object, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now: now)
        } else if let created {
            Self.setCondition(&object, "Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"\(created)\"", now: now)
        } else if let rsName, isComplete {
            Self.setCondition(&object, "Progressing", "True", "NewReplicaSetAvailable", "ReplicaSet \"\(rsName)\" has successfully progressed.", now: now)
        } else if let rsName {
            let moved = ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"].contains { s[$0] != previous[$0] }
            if moved || progressing == nil || progressing?.string("reason") == "NewReplicaSetAvailable" {
                Self.setCondition(&object, "Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"\(rsName)\" is progressing.", now: now)
            } else if progressing?.string("status") == "True", let since = progressing?.string("lastUpdateTime").flatMap({ RFC3339.parse($0)?.seconds }),
                      let deadline = deployment[path: ["spec", "progressDeadlineSeconds"]]?.intValue, since + deadline <= nowSeconds {
                Self.setCondition(&object, "Progressing", "False", "ProgressDeadlineExceeded", "ReplicaSet \"\(rsName)\" has timed out progressing.", now: now)
            }
        }
        return object["status"] ?? s
    }

    /// Seconds until the progress deadline passes, while a rollout is under way.
    public func secondsToDeadline(nowSeconds: Int64) -> Int64? {
        guard !isPaused, !isComplete, let deadline = deployment[path: ["spec", "progressDeadlineSeconds"]]?.intValue,
              let c = (deployment[path: ["status", "conditions"]]?.arrayValue ?? []).first(where: { $0.string("type") == "Progressing" }),
              c.string("status") == "True", let since = c.string("lastUpdateTime").flatMap({ RFC3339.parse($0)?.seconds }) else { return nil }
        return max(1, since + deadline - nowSeconds)
    }

    /// Deployment conditions carry `lastUpdateTime` too: it moves whenever reason or message
    /// changes, `lastTransitionTime` only when the status flips.
    static func setCondition(_ object: inout JSON, _ type: String, _ status: String, _ reason: String, _ message: String, now: String) {
        var conditions = object[path: ["status", "conditions"]]?.arrayValue ?? []
        let index = conditions.firstIndex { $0.string("type") == type }
        let old = index.map { conditions[$0] }
        var c: JSON = ["type": .string(type), "status": .string(status)]
        let same = old?.string("reason") == reason && old?.string("message") == message && old?.string("status") == status
        c["lastUpdateTime"] = same ? (old?["lastUpdateTime"] ?? .string(now)) : .string(now)
        c["lastTransitionTime"] = old?.string("status") == status ? (old?["lastTransitionTime"] ?? .string(now)) : .string(now)
        c["reason"] = .string(reason)
        c["message"] = .string(message)
        if let index { conditions[index] = c } else { conditions.append(c) }
        object[path: ["status", "conditions"]] = .array(conditions)
    }
}
