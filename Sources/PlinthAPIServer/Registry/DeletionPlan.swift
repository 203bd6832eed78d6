import PlinthAPIMachinery
import PlinthJSON

/// What deleting an object does right now, decided from the object and the DeleteOptions alone
/// (upstream's BeforeDelete, graceful deletion and deletion finalizers): remove it from the
/// store, or mark it as being deleted (deletionTimestamp, grace period, finalizers) and leave it
/// to the finalizers' owners, the host agent or the grace period to finish.
enum DeletionPlan: Equatable {
    case deleteNow
    case markDeleting(JSON)

    static let orphanFinalizer = "orphan"
    static let foregroundFinalizer = "foregroundDeletion"

    static func make(_ r: ResourceType, _ object: JSON, _ options: DeleteOptions, nowSeconds: Int64) -> DeletionPlan {
        var next = object
        var meta = object["metadata"]?.objectValue ?? JSONObject()
        let existing = meta["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let alreadyDeleting = meta["deletionTimestamp"] != nil
        let isNamespace = r.group.isEmpty && r.kind == "Namespace"
        let isPod = r.group.isEmpty && r.kind == "Pod"
        let currentGrace = meta["deletionGracePeriodSeconds"]?.intValue ?? 0

        if isPod && alreadyDeleting && currentGrace > 0 {
            // Graceful termination is under way: only a shorter grace period changes anything.
            guard var grace = options.gracePeriodSeconds.map({ max($0, 0) }), grace < currentGrace else { return .markDeleting(object) }
            let started = RFC3339.parse(meta["deletionTimestamp"]?.stringValue ?? "").map { $0.seconds - currentGrace } ?? nowSeconds
            var deadline = started + grace
            if deadline < nowSeconds {
                deadline = nowSeconds
                if grace != 0 { grace = 1 }
            }
            if grace == 0 && existing.isEmpty { return .deleteNow }
            meta["deletionTimestamp"] = .string(RFC3339.format(seconds: deadline))
            meta["deletionGracePeriodSeconds"] = .int(grace)
            next["metadata"] = .object(meta)
            return .markDeleting(next)
        }
        if isNamespace && alreadyDeleting, let f = object[path: ["spec", "finalizers"]]?.arrayValue, !f.isEmpty {
            return .markDeleting(object)
        }

        var finalizers = finalizersForGarbageCollection(existing, options, defaultOrphan: orphansByDefault(r))
        if r.group == "apiextensions.k8s.io" && r.kind == "CustomResourceDefinition" && !alreadyDeleting {
            // Its custom resources go first (the definition controller removes this finalizer).
            finalizers.append(CustomResourceDefinitionController.cleanupFinalizer)
            Conditions.set(&next, type: "Terminating", status: "True", reason: "InstanceDeletionPending",
                           message: "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon", now: RFC3339.format(seconds: nowSeconds))
        }
        let grace: Int64 = isPod && !alreadyDeleting ? podGracePeriod(object, options) : 0
        let namespaceFinalizers = isNamespace ? (object[path: ["spec", "finalizers"]]?.arrayValue ?? []) : []
        if finalizers.isEmpty && grace == 0 && namespaceFinalizers.isEmpty {
            return .deleteNow
        }
        if !alreadyDeleting {
            meta["deletionTimestamp"] = .string(RFC3339.format(seconds: nowSeconds + grace))
            // Namespaces leave the grace period unset, as upstream's namespace storage does.
            if !isNamespace { meta["deletionGracePeriodSeconds"] = .int(grace) }
            if let g = meta["generation"]?.intValue, g > 0 { meta["generation"] = .int(g + 1) }
        }
        meta["finalizers"] = finalizers.isEmpty ? nil : .array(finalizers.map { .string($0) })
        next["metadata"] = .object(meta)
        if isNamespace { next[path: ["status", "phase"]] = "Terminating" }
        return .markDeleting(next)
    }

    /// ReplicationControllers and Jobs orphan their dependents unless told otherwise (upstream's
    /// per-kind default garbage-collection policy for v1 and batch/v1).
    static func orphansByDefault(_ r: ResourceType) -> Bool {
        (r.group.isEmpty && r.kind == "ReplicationController") || (r.group == "batch" && r.kind == "Job")
    }

    /// The finalizers after applying the propagation policy: `orphan` or `foregroundDeletion`
    /// added or removed, the rest kept in order.
    static func finalizersForGarbageCollection(_ existing: [String], _ options: DeleteOptions, defaultOrphan: Bool = false) -> [String] {
        let orphan: Bool
        let foreground: Bool
        if let o = options.orphanDependents {
            orphan = o
            foreground = !o
        } else if let p = options.propagationPolicy {
            orphan = p == "Orphan"
            foreground = p == "Foreground"
        } else if existing.contains(orphanFinalizer) || existing.contains(foregroundFinalizer) {
            orphan = existing.contains(orphanFinalizer)
            foreground = !orphan
        } else {
            orphan = defaultOrphan
            foreground = false
        }
        var out = existing.filter { $0 != orphanFinalizer && $0 != foregroundFinalizer }
        if orphan { out.append(orphanFinalizer) }
        if foreground { out.append(foregroundFinalizer) }
        return out
    }

    /// Pods end gracefully only when a host agent is running them: unscheduled and finished pods
    /// go at once.
    static func podGracePeriod(_ pod: JSON, _ options: DeleteOptions) -> Int64 {
        var grace = options.gracePeriodSeconds ?? pod[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30
        if grace < 0 { grace = 1 }
        if (pod.string("spec", "nodeName") ?? "").isEmpty || PodPhase.isTerminal(pod) { grace = 0 }
        return grace
    }

    /// Whether an update leaves a deleting object with nothing to wait for, so the store removes it.
    static func finishedAfterUpdate(_ r: ResourceType, _ object: JSON) -> Bool {
        guard object[path: ["metadata", "deletionTimestamp"]] != nil else { return false }
        if let f = object[path: ["metadata", "finalizers"]]?.arrayValue, !f.isEmpty { return false }
        if (object[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue ?? 0) != 0 { return false }
        if r.group.isEmpty && r.kind == "Namespace", let f = object[path: ["spec", "finalizers"]]?.arrayValue, !f.isEmpty { return false }
        return true
    }

    /// Finalizers may not be added to an object being deleted.
    static func checkNoNewFinalizers(_ r: ResourceType, _ next: JSON, old: JSON, name: String) throws(APIError) {
        guard old[path: ["metadata", "deletionTimestamp"]] != nil else { return }
        let before = Set(old[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let added = (next[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []).filter { !before.contains($0) }
        if added.isEmpty { return }
        let list = "[]string{" + added.map { GoStringFormat.quote($0) }.joined(separator: ", ") + "}"
        throw APIError.invalid(r, name, [FieldError(.forbidden, field: "metadata.finalizers",
                                                    detail: "no new finalizers can be added if the object is being deleted, found new finalizers \(list)")])
    }
}
