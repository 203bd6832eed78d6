/// How strategic merge patch treats one field: what upstream reads from a Go field's
/// `patchStrategy` and `patchMergeKey` tags.
public struct PatchMeta: Sendable, Hashable {
    public enum Strategy: Sendable, Hashable {
        /// No tag: lists are replaced, objects merged.
        case none
        /// Lists merge: elements with the same merge key merge, or, without a merge key, the
        /// list is a set of primitives that is unioned.
        case merge
        /// The field's value is replaced whole (used on objects, e.g. a PDB's selector).
        case replace
    }

    public var strategy: Strategy
    /// The member identifying elements of a merged list of objects.
    public var mergeKey: String?
    /// Upstream's `retainKeys` strategy; informational, since the `$retainKeys` directive in the
    /// patch is what drives it.
    public var retainKeys: Bool

    public init(strategy: Strategy, mergeKey: String? = nil, retainKeys: Bool = false) {
        self.strategy = strategy
        self.mergeKey = mergeKey
        self.retainKeys = retainKeys
    }

    /// Untagged: lists are replaced.
    public static let none = PatchMeta(strategy: .none)
    /// A list of objects merged by `key`.
    public static func merge(key: String, retainKeys: Bool = false) -> PatchMeta {
        PatchMeta(strategy: .merge, mergeKey: key, retainKeys: retainKeys)
    }
    /// A list of primitives merged as a set (e.g. `metadata.finalizers`).
    public static let mergeSet = PatchMeta(strategy: .merge)
    /// Replaced whole.
    public static let replace = PatchMeta(strategy: .replace)
    /// Only `retainKeys` (e.g. a Deployment's `spec.strategy`).
    public static let retainKeysOnly = PatchMeta(strategy: .none, retainKeys: true)
}

/// Answers the patch strategy of a field of some kind, by its path of object keys from the
/// object's root (list indices left out: `["spec", "containers", "env"]` is the env list of
/// any container).
public protocol PatchMetaProvider: Sendable {
    /// `kind` is `Kind` or `group/Kind` (core group as `""` or `core`).
    func patchMeta(kind: String, path: [String]) -> PatchMeta
}
