import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Who owns whom, by uid: the garbage collector's view of `ownerReferences` across every kind.
/// A value type fed with object changes; it answers which objects a change makes worth a look.
struct OwnerGraph {
    struct OwnerRef: Equatable {
        var uid: String
        var apiVersion: String
        var kind: String
        var name: String
        var blockOwnerDeletion: Bool
    }

    /// An object that has owners, or that is being deleted with a garbage-collection finalizer.
    struct Node {
        var uid: String
        var resource: ResourceType
        var key: String
        var namespace: String?
        var owners: [OwnerRef]
    }

    private(set) var nodes: [String: Node] = [:]
    private var uidByKey: [String: String] = [:]
    private var dependents: [String: Set<String>] = [:]

    /// Whether an object's bytes may matter to the collector; objects with no owners and no
    /// deletion in progress are skipped without parsing (most objects, most of the time).
    static func mayMatter(_ o: CachedObject) -> Bool {
        o.bytesContain("\"ownerReferences\"") || o.bytesContain("\"deletionTimestamp\"")
    }

    /// Records a change; returns the uids to reconcile because of it.
    mutating func apply(_ change: ObjectChange) -> [String] {
        switch change.event {
        case .added(let o), .modified(let o):
            let known = uidByKey[o.key] != nil
            guard known || Self.mayMatter(o) else { return [] }
            return observe(change.resource, o)
        case .deleted(let o):
            guard let uid = o.object.string("metadata", "uid") else { return [] }
            var wake = Array(dependents[uid] ?? [])
            if let node = nodes[uid] { wake += node.owners.map(\.uid) }
            remove(uid, key: o.key)
            return wake
        case .bookmark, .error:
            return []
        }
    }

    /// Records an object as it now is; returns it and, when it is being deleted or its owners
    /// changed, whoever that affects.
    mutating func observe(_ r: ResourceType, _ o: CachedObject) -> [String] {
        let object = o.object
        guard let uid = object.string("metadata", "uid") else { return [] }
        let owners = Self.ownerReferences(of: object)
        let previous = nodes[uid]?.owners ?? []
        let deleting = object[path: ["metadata", "deletionTimestamp"]] != nil
        for gone in previous where !owners.contains(where: { $0.uid == gone.uid }) { unlink(uid, from: gone.uid) }
        if owners.isEmpty && !deleting {
            remove(uid, key: o.key)
            return previous.map(\.uid)
        }
        nodes[uid] = Node(uid: uid, resource: r, key: o.key, namespace: r.namespaced ? o.namespace : nil, owners: owners)
        uidByKey[o.key] = uid
        for owner in owners { dependents[owner.uid, default: []].insert(uid) }
        var wake = [uid] + previous.map(\.uid)
        if deleting { wake += dependents[uid] ?? [] }
        return wake
    }

    static func ownerReferences(of object: JSON) -> [OwnerRef] {
        (object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).compactMap { ref -> OwnerRef? in
            guard let u = ref["uid"]?.stringValue else { return nil }
            return OwnerRef(uid: u, apiVersion: ref["apiVersion"]?.stringValue ?? "", kind: ref["kind"]?.stringValue ?? "",
                            name: ref["name"]?.stringValue ?? "", blockOwnerDeletion: ref["blockOwnerDeletion"]?.boolValue == true)
        }
    }

    private mutating func remove(_ uid: String, key: String) {
        if let node = nodes.removeValue(forKey: uid) {
            for owner in node.owners { unlink(uid, from: owner.uid) }
        }
        uidByKey[key] = nil
    }

    /// Forgets that `dependent` depends on `owner`, and the owner's entry once it has none.
    private mutating func unlink(_ dependent: String, from owner: String) {
        dependents[owner]?.remove(dependent)
        if dependents[owner]?.isEmpty == true { dependents[owner] = nil }
    }

    func dependents(of uid: String) -> [Node] {
        (dependents[uid] ?? []).compactMap { nodes[$0] }
    }

    func hasDependents(_ uid: String) -> Bool {
        !(dependents[uid] ?? []).isEmpty
    }
}
