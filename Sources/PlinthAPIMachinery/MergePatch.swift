import PlinthJSON

/// RFC 7386 JSON Merge Patch (`application/merge-patch+json`) as kube-apiserver applies it
/// (evanphx/json-patch v4 `MergePatch`): `null` deletes a key, objects merge recursively, any
/// other value replaces; null members are also pruned from objects nested in values that are
/// inserted whole (including objects inside arrays).
public enum MergePatch {
    /// Applies `patch` to `doc`. As RFC 7386 says, a patch that is not an object is the result
    /// itself; kube-apiserver rejects `null` and scalar patches before this ("Invalid JSON Patch",
    /// 400) and an array result fails decoding, so callers check the patch is an object.
    public static func apply(_ patch: JSON, to doc: JSON) -> JSON {
        guard case .object(let p) = patch else { return pruneNulls(patch) }
        guard case .object(var d) = doc else {
            // Not a document to merge into: the (pruned) patch is the result.
            return pruneNulls(patch)
        }
        mergeObjects(&d, p)
        return .object(d)
    }

    /// Merges patch members into `doc` in place: null removes, new members are inserted pruned,
    /// existing ones merge.
    static func mergeObjects(_ doc: inout JSONObject, _ patch: JSONObject) {
        for entry in patch.entries {
            let key = entry.key
            let value = entry.value
            if value == .null {
                doc.removeValue(forKey: key)
                continue
            }
            guard var current = doc[key], current != .null else {
                doc[key] = pruneNulls(value)
                continue
            }
            doc[key] = .null  // detach so the nested merge mutates in place
            merge(&current, value)
            doc[key] = current
        }
    }

    /// Merges one value into another: objects recurse, anything else is replaced.
    private static func merge(_ current: inout JSON, _ patch: JSON) {
        guard case .object(var c) = current else {
            current = pruneNulls(patch)
            return
        }
        guard case .object(let p) = patch else {
            // Upstream hands back a non-object patch value as is here, without pruning.
            current = patch
            return
        }
        current = .null
        mergeObjects(&c, p)
        current = .object(c)
    }

    /// Drops null members of objects, recursively through objects and arrays (null array
    /// elements stay).
    static func pruneNulls(_ value: JSON) -> JSON {
        switch value {
        case .object(let o):
            var out = JSONObject()
            out.reserveCapacity(o.count)
            for e in o.entries where e.value != .null {
                out.appendUnchecked(e.key, pruneNulls(e.value))
            }
            return .object(out)
        case .array(let a):
            return .array(a.map(pruneNulls))
        default:
            return value
        }
    }
}
