import Foundation
import Logging
import PlinthAPIMachinery
import PlinthJSON

/// Serves what CustomResourceDefinitions define, as apiextensions-apiserver's naming,
/// establishing, discovery and finalizer controllers do together: accepts names that do not
/// clash within their group, publishes the served versions (routing, discovery, OpenAPI) and
/// reports `NamesAccepted`/`Established`; when a definition is deleted it deletes every custom
/// resource it served and then lets the definition go.
///
/// Level-triggered: `reconcile()` looks at every definition each time one changes.
struct CustomResourceDefinitionController: Sendable {
    static let cleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io"
    let core: APIServerCore
    let logger: Logger

    var definitions: ResourceType { BuiltinResources.customResourceDefinitions }

    /// Accepts names, serves the catalog they make, and writes conditions. Returns the watch
    /// caches the new catalog needs that are not running yet, and the definitions whose custom
    /// resources must be cleaned up.
    func reconcile() async -> (caches: [WatchCache], cleanups: [CustomResourceDefinition]) {
        guard let cache = try? core.registry.cache(definitions) else { return ([], []) }
        await cache.waitUntilReady()
        let objects = cache.objects()
            .sorted { ($0.object.string("metadata", "creationTimestamp") ?? "", $0.name) < ($1.object.string("metadata", "creationTimestamp") ?? "", $1.name) }
        var resources = BuiltinResources.all
        var custom: [CustomResourceVersion] = []
        var taken = NameTable(BuiltinResources.all)
        var statusUpdates: [(String, NameTable.Verdict)] = []
        var cleanups: [CustomResourceDefinition] = []
        for o in objects {
            guard let crd = CustomResourceDefinition(o.object) else { continue }
            let verdict = taken.accept(crd)
            statusUpdates.append((crd.name, verdict))
            guard verdict.accepted else { continue }
            for (r, details) in crd.served() {
                var r = r
                // While its definition is deleted, a custom resource cannot be created (only).
                if crd.deleting { r.verbs.removeAll { $0 == "create" } }
                resources.append(r)
                custom.append(details)
            }
            if crd.deleting && (o.object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).contains(.string(Self.cleanupFinalizer)) {
                cleanups.append(crd)
            }
        }
        let catalog = ResourceCatalog(resources, custom: custom)
        // Status writes come back as events: serve a new surface only when something changed
        // (a new surface rebuilds discovery and the schema caches).
        let fresh = catalog.serves(sameAs: core.catalog) ? [] : core.serve(catalog)
        for (name, verdict) in statusUpdates where needsStatus(objects.first { $0.name == name }?.object, verdict) {
            await writeStatus(name, verdict)
        }
        return (fresh, cleanups)
    }

    /// Whether the definition's status still has to say what `verdict` says (most events are
    /// the controller's own status writes coming back).
    func needsStatus(_ crd: JSON?, _ verdict: NameTable.Verdict) -> Bool {
        guard let crd else { return false }
        let want = verdict.accepted ? "True" : "False"
        if Conditions.status(crd, "NamesAccepted") != want || Conditions.status(crd, "Established") != want { return true }
        if verdict.accepted && crd[path: ["status", "acceptedNames"]] != crd[path: ["spec", "names"]] { return true }
        if let storage = CustomResourceDefinition(crd)?.storageVersion,
           !(crd[path: ["status", "storedVersions"]]?.arrayValue ?? []).contains(.string(storage)) { return true }
        return false
    }

    /// Reads a definition, changes it and writes it back (retrying on conflicts).
    func update(_ name: String, _ change: @escaping (inout JSON, String) -> Void) async throws(APIError) {
        let now = Timestamp.now()
        _ = try await core.registry.guaranteedUpdate(definitions, namespace: nil, name: name, precondition: nil, options: WriteOptions()) { current throws(APIError) in
            var next = current
            change(&next, now)
            return next
        }
    }

    /// NamesAccepted, Established and acceptedNames as the naming and establishing controllers set them.
    func writeStatus(_ name: String, _ verdict: NameTable.Verdict) async {
        try? await update(name) { crd, now in
            if verdict.accepted {
                crd[path: ["status", "acceptedNames"]] = crd[path: ["spec", "names"]]
                Conditions.set(&crd, type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found", now: now)
                Conditions.set(&crd, type: "Established", status: "True", reason: "InitialNamesAccepted",
                               message: "the initial names have been accepted", now: now)
            } else {
                Conditions.set(&crd, type: "NamesAccepted", status: "False", reason: verdict.reason, message: verdict.message, now: now)
                Conditions.set(&crd, type: "Established", status: "False", reason: "NotAccepted", message: "not all names are accepted", now: now)
            }
            if let storage = CustomResourceDefinition(crd)?.storageVersion {
                var stored = crd[path: ["status", "storedVersions"]]?.arrayValue ?? []
                if !stored.contains(.string(storage)) { stored.append(.string(storage)) }
                crd[path: ["status", "storedVersions"]] = .array(stored)
            }
        }
    }

    /// Deletes every custom resource of a definition being deleted, waits until they are gone
    /// (their own finalizers may hold them), then removes the cleanup finalizer.
    func cleanUp(_ crd: CustomResourceDefinition) async {
        guard let r = core.catalog.resources.first(where: { $0.isCustom && $0.group == crd.group && $0.plural == crd.names.plural }),
              let cache = try? core.registry.cache(r) else {
            await finish(crd)
            return
        }
        try? await update(crd.name) { crd, now in
            Conditions.set(&crd, type: "Terminating", status: "True", reason: "InstanceDeletionInProgress",
                           message: "CustomResource deletion is in progress", now: now)
        }
        await cache.waitUntilReady()
        while !Task.isCancelled {
            let items = cache.objects()
            if items.isEmpty { break }
            do {
                _ = try await core.registry.deleteAll(r, items.filter { $0.object[path: ["metadata", "deletionTimestamp"]] == nil },
                                                      options: DeleteOptions(propagationPolicy: "Background"))
            } catch {
                logger.warning("deleting \(r.qualifiedResource) for its definition's deletion: \(error)")
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        // Shutting down mid-way: the next start carries on (the finalizer is still there).
        if Task.isCancelled { return }
        await finish(crd)
    }

    /// Marks the clean-up done and removes the finalizer (which lets the definition go), retrying
    /// while the store refuses.
    func finish(_ crd: CustomResourceDefinition) async {
        for _ in 0..<50 where !Task.isCancelled {
            do {
                try await update(crd.name) { object, now in
                    Conditions.set(&object, type: "Terminating", status: "False", reason: "InstanceDeletionCompleted",
                                   message: "removed all instances", now: now)
                    let finalizers = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).filter { $0 != .string(Self.cleanupFinalizer) }
                    object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers)
                }
                return
            } catch where error.code == 404 {
                return
            } catch {
                logger.warning("finishing the deletion of \(crd.name): \(error)")
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}

/// The names taken in each group, for the naming controller's conflict checks.
struct NameTable {
    struct Verdict {
        var accepted: Bool
        var reason = "NoConflicts"
        var message = "no conflicts found"
    }

    private var plurals: Set<String> = []
    private var singulars: Set<String> = []
    private var kinds: Set<String> = []
    private var shortNames: Set<String> = []

    init(_ builtins: [ResourceType]) {
        for r in builtins {
            plurals.insert(r.group + "/" + r.plural)
            kinds.insert(r.group + "/" + r.kind)
        }
    }

    /// Accepts a definition's names unless another definition (or a built-in) in its group has them.
    mutating func accept(_ crd: CustomResourceDefinition) -> Verdict {
        let g = crd.group + "/"
        let n = crd.names
        if plurals.contains(g + n.plural) { return Verdict(accepted: false, reason: "PluralConflict", message: "\"\(n.plural)\" is already in use") }
        if singulars.contains(g + n.singular) { return Verdict(accepted: false, reason: "SingularConflict", message: "\"\(n.singular)\" is already in use") }
        if let s = n.shortNames.first(where: { shortNames.contains(g + $0) }) {
            return Verdict(accepted: false, reason: "ShortNamesConflict", message: "\"\(s)\" is already in use")
        }
        if kinds.contains(g + n.kind) { return Verdict(accepted: false, reason: "KindConflict", message: "\"\(n.kind)\" is already in use") }
        plurals.insert(g + n.plural)
        singulars.insert(g + n.singular)
        kinds.insert(g + n.kind)
        for s in n.shortNames { shortNames.insert(g + s) }
        return Verdict(accepted: true)
    }
}
