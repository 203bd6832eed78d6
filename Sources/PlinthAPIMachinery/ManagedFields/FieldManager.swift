import PlinthJSON

/// Server-side field management for one request: records who owns which fields on create,
/// update and patch ("Update" entries), and carries out server-side apply ("Apply" entries:
/// merge, conflicts, force, removal of fields the applier stopped setting), following
/// structured-merge-diff as kube-apiserver uses it.
public struct FieldManager: Sendable {
    public struct Conflict: Error, Sendable {
        public var conflicts: [(owner: ManagedFieldsEntry, paths: [String])]
        public var count: Int { conflicts.reduce(0) { $0 + $1.paths.count } }

        /// `Apply failed with 1 conflict: conflict with "m" using v1: .data.key`, or the
        /// multi-line form listing each manager's fields.
        public var message: String {
            let n = count
            if n == 1, let c = conflicts.first {
                return "Apply failed with 1 conflict: conflict with \(c.owner.printed): \(c.paths[0])"
            }
            var lines: [String] = []
            for c in conflicts {
                lines.append("conflicts with \(c.owner.printed):")
                for p in c.paths { lines.append("- \(p)") }
            }
            return "Apply failed with \(n) conflicts: " + lines.joined(separator: "\n")
        }
    }

    static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
    let shape: ObjectShape
    /// The kind's schema.
    let root: JSON?
    let apiVersion: String
    let subresource: String
    /// Status belongs to the status subresource: the main resource never owns it.
    let statusIsSubresource: Bool
    let now: String

    public init(shape: ObjectShape, root: JSON?, apiVersion: String, subresource: String?, statusIsSubresource: Bool, now: String) {
        self.shape = shape
        self.root = root
        self.apiVersion = apiVersion
        self.subresource = subresource ?? ""
        self.statusIsSubresource = statusIsSubresource
        self.now = now
    }

    var sets: FieldSets { FieldSets(shape: shape) }

    /// Fields no manager owns: type and identity metadata, and what another endpoint resets.
    func strip(_ set: FieldSet) -> FieldSet {
        var s = set
        s.member = false
        s.children[.field("apiVersion")] = nil
        s.children[.field("kind")] = nil
        if var meta = s.children[.field("metadata")] {
            meta.member = false
            for k in ["name", "namespace", "creationTimestamp", "selfLink", "uid", "generation", "managedFields", "resourceVersion",
                      "deletionTimestamp", "deletionGracePeriodSeconds"] {
                meta.children[.field(k)] = nil
            }
            s.children[.field("metadata")] = meta.isEmpty ? nil : meta
        }
        if subresource == "status" {
            var only = FieldSet()
            only.children[.field("status")] = s.children[.field("status")]
            return only
        }
        if statusIsSubresource { s.children[.field("status")] = nil }
        return s
    }

    static func withoutManagedFields(_ o: JSON?) -> JSON? {
        guard var o else { return nil }
        o[path: ["metadata", "managedFields"]] = nil
        return o
    }

    static func store(_ entries: [ManagedFieldsEntry], in object: JSON) -> JSON {
        var o = object
        let kept = ManagedFieldsEntry.sorted(entries.filter { !$0.fields.isEmpty })
        o[path: ["metadata", "managedFields"]] = kept.isEmpty ? nil : .array(kept.map(\.json))
        return o
    }

    // MARK: Update (create, PUT, non-apply PATCH)

    /// `new` with its managedFields brought up to date for a write by `manager`.
    public func update(live: JSON?, new: JSON, manager: String) -> JSON {
        var entries: [ManagedFieldsEntry]
        let requested = new[path: ["metadata", "managedFields"]]
        let liveEntries = ManagedFieldsEntry.decode(live?[path: ["metadata", "managedFields"]]) ?? []
        if subresource != "" || requested == nil {
            entries = liveEntries
        } else if let list = requested?.arrayValue, list.isEmpty || (list.count == 1 && list[0] == .object(JSONObject())) {
            // An explicit reset: on an update nothing is tracked afterwards.
            if live != nil { return Self.store([], in: new) }
            entries = []
        } else {
            entries = ManagedFieldsEntry.decode(requested) ?? liveEntries
        }
        if live != nil && entries.isEmpty && liveEntries.isEmpty && requested == nil {
            return Self.store([], in: new)  // objects nobody tracked stay untracked until applied
        }
        let old = Self.withoutManagedFields(live)
        let next = Self.withoutManagedFields(new)!
        let changed = strip(sets.changed(old ?? .object(JSONObject()), next, root))
        let removed = old.map { strip(sets.removed($0, next, root)) } ?? FieldSet()
        if changed.isEmpty && removed.isEmpty { return Self.store(entries, in: new) }
        let lost = changed.union(removed)
        for i in entries.indices { entries[i].fields = entries[i].fields.subtracting(lost) }
        if !changed.isEmpty {
            if let i = entries.firstIndex(where: { $0.manager == manager && $0.operation == "Update" && $0.apiVersion == apiVersion && $0.subresource == subresource }) {
                entries[i].fields = entries[i].fields.union(changed)
                entries[i].time = now
            } else {
                entries.append(ManagedFieldsEntry(manager: manager, operation: "Update", apiVersion: apiVersion, time: now,
                                                  fields: changed, subresource: subresource))
            }
        }
        return Self.store(entries, in: new)
    }

    // MARK: Apply

    /// The live object (nil when applying creates it) with `config` applied by `manager`.
    public func apply(live: JSON?, config: JSON, manager: String, force: Bool) throws(Conflict) -> JSON {
        var entries = ManagedFieldsEntry.decode(live?[path: ["metadata", "managedFields"]]) ?? []
        let old = Self.withoutManagedFields(live)
        if let old, entries.isEmpty {
            // Whatever existed before the first apply belongs to someone else.
            let before = strip(sets.everything(old, root))
            if !before.isEmpty {
                entries.append(ManagedFieldsEntry(manager: "before-first-apply", operation: "Update", apiVersion: apiVersion, time: now, fields: before))
            }
        }
        let merger = ApplyMerge(shape: shape)
        let configSet = strip(sets.applied(config, root))
        var merged = merger.merge(old, config, root)
        let changedByApply = strip(sets.changed(old ?? .object(JSONObject()), merged, root))
        let mine = entries.firstIndex { $0.manager == manager && $0.operation == "Apply" && $0.subresource == subresource }
        let forgiven = manager == "kubectl" ? lastAppliedAgreement(old) : FieldSet()
        var conflicts: [(ManagedFieldsEntry, FieldSet)] = []
        var unforgiven: [(ManagedFieldsEntry, FieldSet)] = []
        for (i, e) in entries.enumerated() where i != mine {
            let c = e.fields.intersection(configSet).intersection(changedByApply)
            if c.isEmpty { continue }
            conflicts.append((e, c))
            let rest = c.subtracting(forgiven)
            if !rest.isEmpty { unforgiven.append((e, rest)) }
        }
        if !unforgiven.isEmpty && !force {
            throw Conflict(conflicts: unforgiven.sorted { $0.0.manager < $1.0.manager }.map { ($0.0, $0.1.paths().map(FieldSet.describe)) })
        }
        // Forced (or entirely forgiven): the applier takes the fields over.
        for (e, c) in conflicts {
            if let i = entries.firstIndex(of: e) { entries[i].fields = entries[i].fields.subtracting(c) }
        }
        // Fields this applier set before, no longer sets, and nobody else owns go away; a node
        // that still has applied or owned fields below it stays.
        let previous = mine.map { entries[$0].fields } ?? FieldSet()
        var others = FieldSet()
        for (i, e) in entries.enumerated() where i != mine { others = others.union(e.fields) }
        let kept = configSet.union(others)
        let drop = previous.subtracting(kept).keepingAncestors(of: kept)
        if !drop.isEmpty, let pruned = merger.remove(drop, from: merged, root) { merged = pruned }
        if manager == "kubectl", merged[path: ["metadata", "annotations", Self.lastApplied]] != nil {
            var applied = config
            applied[path: ["metadata", "annotations", Self.lastApplied]] = nil
            if applied[path: ["metadata", "annotations"]]?.objectValue?.isEmpty == true { applied[path: ["metadata", "annotations"]] = nil }
            merged[path: ["metadata", "annotations", Self.lastApplied]] = .string(applied.serializedString() + "\n")
        }
        let time = merged == old && mine != nil ? entries[mine!].time : now
        let entry = ManagedFieldsEntry(manager: manager, operation: "Apply", apiVersion: apiVersion, time: time, fields: configSet, subresource: subresource)
        if let mine { entries[mine] = entry } else { entries.append(entry) }
        return Self.store(entries, in: merged)
    }

    /// For kubectl's own applies: fields whose live value still equals what the last client-side
    /// apply set (recorded in the annotation) do not conflict.
    func lastAppliedAgreement(_ live: JSON?) -> FieldSet {
        guard let text = live?[path: ["metadata", "annotations", Self.lastApplied]]?.stringValue,
              let last = try? JSON.parse(Array(text.utf8)) else { return FieldSet() }
        let merger = ApplyMerge(shape: shape)
        var agreed = FieldSet()
        for path in strip(sets.applied(last, root)).paths() {
            let slice = path[...]
            if let a = merger.value(at: slice, in: last, root), a == merger.value(at: slice, in: live, root) { agreed.insert(slice) }
        }
        return agreed
    }
}
