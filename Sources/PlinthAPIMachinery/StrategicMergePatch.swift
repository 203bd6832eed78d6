import PlinthJSON

/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`) applied to an
/// object, following k8s.io/apimachinery's `StrategicMergeMapPatch` (server side: parallel
/// lists merged, unmatched nulls ignored).
///
/// Like a merge patch, but lists tagged `merge` merge element-wise (objects by their merge key,
/// primitives as a set) and the patch may carry directives: `$patch` (`replace`/`delete` on an
/// object, `replace`/`delete` elements in a merged list), `$retainKeys`,
/// `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`. Directives never reach the
/// result (upstream relies on decoding into Go structs to drop leftovers; objects here are
/// untyped, so they are stripped explicitly), and neither do nulls inside inserted values.
public enum StrategicMergePatch {
    public static func apply(
        _ patch: JSON, to doc: JSON, meta: some PatchMetaProvider, kind: String
    ) throws(PatchError) -> JSON {
        let patchObject: JSONObject
        switch patch {
        case .object(let o): patchObject = o
        case .null: return doc  // Go decodes null into a nil map: nothing to merge
        default:
            throw PatchError(.badRequest, "json: cannot unmarshal \(patch.typeName) into Go value of type map[string]interface {}")
        }
        guard case .object(let original) = doc else {
            throw PatchError(.badRequest, "invalid JSON document")
        }
        let merger = Merger(meta: meta, kind: kind)
        return .object(try merger.mergeObject(original, patchObject, path: []))
    }

    static let directiveMarker = "$patch"
    static let retainKeysDirective = "$retainKeys"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList"
    static let setElementOrderPrefix = "$setElementOrder"

    // MARK: Errors (apimachinery's mergepatch errors and their apiserver status)

    static func noMergeKey(_ m: JSONObject, _ key: String) -> PatchError {
        PatchError(.internalError, "map: \(PatchError.goValue(.object(m))) does not contain declared merge key: \(key)")
    }

    static func badArgType(expected: JSON, actual: JSON?) -> PatchError {
        PatchError(.internalError, "expected a \(PatchError.goTypeName(expected)), but received a \(PatchError.goTypeName(actual))")
    }

    static func badPatchType(_ directive: JSON, _ m: JSONObject) -> PatchError {
        let text: String
        if case .string(let s) = directive { text = s } else { text = "%!s(\(PatchError.goValue(directive)))" }
        return PatchError(.internalError, "unknown patch type: \(text) in map: \(PatchError.goValue(.object(m)))")
    }

    static let badPrimitiveListFormat = PatchError(.badRequest, "invalid patch format of primitive list")
    static let badRetainKeysFormat = PatchError(.badRequest, "invalid patch format of retainKeys")
    static let badSetElementOrderFormat = PatchError(.badRequest, "invalid patch format of setElementOrder list")
    static let noListOfLists = PatchError(.invalid, "lists of lists are not supported")

    // MARK: Cleaning inserted values

    /// Whether `key` is a directive that must not survive into a result.
    static func isDirectiveKey(_ key: String) -> Bool {
        guard key.hasPrefix("$") else { return false }
        return key == directiveMarker || key == retainKeysDirective
            || key.hasPrefix(deleteFromPrimitiveListPrefix + "/") || key.hasPrefix(setElementOrderPrefix + "/")
    }

    /// A patch value inserted at a key the original lacks (upstream's removeDirectives plus its
    /// null discarding): objects carrying `$patch` are dropped (nil), as are null members and
    /// directive keys.
    static func sanitize(_ v: JSON) -> JSON? {
        switch v {
        case .object(let o):
            if o[directiveMarker] != nil { return nil }
            var out = JSONObject()
            out.reserveCapacity(o.count)
            for e in o.entries where e.value != .null && !isDirectiveKey(e.key) {
                if let s = sanitize(e.value) { out.appendUnchecked(e.key, s) }
            }
            return .object(out)
        case .array(let a):
            return .array(a.compactMap(sanitize))
        default:
            return v
        }
    }

    /// A patch value upstream keeps raw (appended list elements, replaced lists and objects):
    /// its Go struct decoding then ignores directive keys and reads nulls as absent, so that is
    /// what is removed here; objects stay.
    static func strip(_ v: JSON) -> JSON {
        switch v {
        case .object(let o): return .object(stripMembers(o))
        case .array(let a): return .array(a.map(strip))
        default: return v
        }
    }

    static func stripMembers(_ o: JSONObject) -> JSONObject {
        var out = JSONObject()
        out.reserveCapacity(o.count)
        for e in o.entries where e.value != .null && !isDirectiveKey(e.key) {
            out.appendUnchecked(e.key, strip(e.value))
        }
        return out
    }
}

// MARK: - The merge

extension StrategicMergePatch {
    /// The patch walk; `path` arguments are the object keys from the root (no list indices),
    /// which is what `PatchMetaProvider` answers for.
    struct Merger<Meta: PatchMetaProvider> {
        let meta: Meta
        let kind: String

        func lookup(_ path: [String]) -> PatchMeta { meta.patchMeta(kind: kind, path: path) }

        /// mergeMap: merges an object patch into an object.
        func mergeObject(_ original: JSONObject, _ patch: JSONObject, path: [String]) throws(PatchError) -> JSONObject {
            var patch = patch
            if let directive = patch[directiveMarker] {
                switch directive {
                case .string("replace"):
                    // The patch (minus the marker) is the new value.
                    return stripMembers(patch)
                case .string("delete"):
                    // Upstream empties the object rather than removing its key.
                    return JSONObject()
                default:
                    throw badPatchType(directive, patch)
                }
            }
            var original = original
            try applyRetainKeys(&original, &patch)
            try applySetElementOrder(&original, &patch, path: path)

            for entry in patch.entries {
                var key = entry.key
                let patchValue = entry.value
                var isDeleteList = false
                if key.hasPrefix(deleteFromPrimitiveListPrefix) {
                    key = try extractKey(key, prefix: deleteFromPrimitiveListPrefix, error: badPrimitiveListFormat)
                    isDeleteList = true
                }
                if patchValue == .null {
                    original.removeValue(forKey: key)
                    continue
                }
                guard let originalValue = original[key] else {
                    if !isDeleteList, let v = sanitize(patchValue) { original[key] = v }
                    continue
                }
                let fieldPath = path + [key]
                switch (originalValue, patchValue) {
                case (.object(let o), .object(let p)):
                    if lookup(fieldPath).strategy == .replace {
                        original[key] = .object(stripMembers(p))
                    } else {
                        original[key] = .object(try mergeObject(o, p, path: fieldPath))
                    }
                case (.array(let o), .array(let p)):
                    let fieldMeta = lookup(fieldPath)
                    if fieldMeta.strategy == .merge || isDeleteList {
                        original[key] = .array(try mergeList(o, p, path: fieldPath, mergeKey: fieldMeta.mergeKey,
                                                             isDeleteList: isDeleteList))
                    } else {
                        original[key] = .array(p.map(strip))
                    }
                default:
                    // Different types, or scalars: the patch value replaces.
                    if !isDeleteList {
                        if let v = sanitize(patchValue) { original[key] = v } else { original.removeValue(forKey: key) }
                    }
                }
            }
            return original
        }

        /// `$retainKeys`: drops original members not listed; every (non-null, non-directive)
        /// patch member must be listed.
        func applyRetainKeys(_ original: inout JSONObject, _ patch: inout JSONObject) throws(PatchError) {
            guard let directive = patch.removeValue(forKey: retainKeysDirective) else { return }
            guard case .array(let list) = directive else { throw badRetainKeysFormat }
            let retained = Set(list)
            for e in patch.entries {
                if e.value == .null || e.key.hasPrefix(deleteFromPrimitiveListPrefix)
                    || e.key.hasPrefix(setElementOrderPrefix) { continue }
                if !retained.contains(.string(e.key)) { throw badRetainKeysFormat }
            }
            for k in original.keys where !retained.contains(.string(k)) {
                original.removeValue(forKey: k)
            }
        }

        /// `$setElementOrder/<field>`: merges the field's patch list (if any) and orders the result
        /// as the directive says, server-only elements interleaved where they were. Consumes both
        /// the directive and the field's patch list.
        func applySetElementOrder(_ original: inout JSONObject, _ patch: inout JSONObject, path: [String]) throws(PatchError) {
            for entry in patch.entries where entry.key.hasPrefix(setElementOrderPrefix) {
                patch.removeValue(forKey: entry.key)
                guard case .array(let order) = entry.value else {
                    throw badArgType(expected: .array([]), actual: entry.value)
                }
                let key = try extractKey(entry.key, prefix: setElementOrderPrefix, error: badSetElementOrderFormat)
                var originalList: [JSON]?
                var patchList: [JSON]?
                if let v = original[key] {
                    guard case .array(let a) = v else { throw badArgType(expected: .array([]), actual: v) }
                    originalList = a
                }
                if let v = patch[key] {
                    guard case .array(let a) = v else { throw badArgType(expected: .array([]), actual: v) }
                    patchList = a
                }
                let fieldPath = path + [key]
                let fieldMeta = lookup(fieldPath)
                let mergeKey = fieldMeta.mergeKey
                try validateSetElementOrder(patchList ?? [], order, mergeKey: mergeKey)

                let merged: [JSON]
                switch (originalList, patchList) {
                case (let o?, nil):
                    merged = o
                case (nil, let p?):
                    merged = p.compactMap(sanitize)
                case (let o?, let p?):
                    if fieldMeta.strategy == .merge {
                        merged = try mergeList(o, p, path: fieldPath, mergeKey: mergeKey, isDeleteList: false)
                    } else {
                        merged = p.map(strip)
                    }
                case (nil, nil):
                    continue
                }
                patch.removeValue(forKey: key)

                let objects = merged.contains { if case .object = $0 { true } else { false } }
                if objects && mergeKey == nil {
                    // Upstream cannot order objects without a merge key (it errors); keep as merged.
                    original[key] = .array(merged)
                    continue
                }
                let parts = try partition(merged, by: order, mergeKey: objects ? mergeKey : nil)
                original[key] = .array(try normalizeOrder(
                    patchItems: parts.inPatch, serverOnly: parts.serverOnly,
                    patchOrder: order, serverOrder: originalList ?? [], mergeKey: objects ? mergeKey : nil))
            }
        }

        /// Checks that the patch list's elements appear in the `$setElementOrder` list in the same
        /// relative order (deletions and directive elements aside).
        func validateSetElementOrder(_ patchList: [JSON], _ order: [JSON], mergeKey: String?) throws(PatchError) {
            if patchList.isEmpty || order.isEmpty { return }
            var items = patchList
            if mergeKey != nil {
                items = []
                for v in patchList {
                    guard case .object(let m) = v else { throw badArgType(expected: .object(JSONObject()), actual: v) }
                    if m[directiveMarker] != .string("delete") { items.append(v) }
                }
            }
            var p = 0
            var s = 0
            while p < items.count && s < order.count {
                if case .object(let m) = items[p], m[directiveMarker] != nil {
                    p += 1
                    continue
                }
                if try mergeKeyValueEqual(items[p], order[s], mergeKey: mergeKey) { p += 1 }
                s += 1
            }
            if p < items.count && s >= order.count {
                throw PatchError(.internalError, "The order in patch list:\n\(PatchError.goValue(.array(patchList)))\n doesn't match \(setElementOrderPrefix) list:\n\(PatchError.goValue(.array(order)))\n")
            }
        }

        func mergeKeyValueEqual(_ left: JSON, _ right: JSON, mergeKey: String?) throws(PatchError) -> Bool {
            guard let mergeKey else { return left == right }
            guard case .object(let l) = left else { throw badArgType(expected: .object(JSONObject()), actual: left) }
            guard case .object(let r) = right else { throw badArgType(expected: .object(JSONObject()), actual: right) }
            guard let lv = l[mergeKey] else { throw noMergeKey(l, mergeKey) }
            guard let rv = r[mergeKey] else { throw noMergeKey(r, mergeKey) }
            return lv == rv
        }

        /// The field name after a directive prefix and `/`.
        func extractKey(_ key: String, prefix: String, error: PatchError) throws(PatchError) -> String {
            let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == prefix else { throw error }
            return String(parts[1])
        }

        // MARK: Lists

        /// mergeSlice: merges a patch list into a list tagged `merge` (or applies a
        /// `$deleteFromPrimitiveList` list).
        func mergeList(_ original: [JSON], _ patch: [JSON], path: [String], mergeKey: String?,
                       isDeleteList: Bool) throws(PatchError) -> [JSON] {
            if original.isEmpty && patch.isEmpty { return original }
            let objects = try elementsAreObjects(original, patch)

            if !objects {
                if isDeleteList {
                    let doomed = Set(patch)
                    return original.filter { !doomed.contains($0) }
                }
                var seen = Set<JSON>()
                let merged = (original + patch).filter { seen.insert($0).inserted }
                let parts = try partition(merged, by: patch, mergeKey: nil)
                return try normalizeOrder(patchItems: parts.inPatch, serverOnly: parts.serverOnly,
                                          patchOrder: patch, serverOrder: original, mergeKey: nil)
            }

            guard let mergeKey else {
                throw PatchError(.internalError, "cannot merge lists without merge key for \(path.joined(separator: "."))")
            }
            let special = try applySpecialElements(original, patch, mergeKey: mergeKey)
            var merged = special.original
            for v in special.patch {
                guard case .object(let p) = v else { throw badArgType(expected: .object(JSONObject()), actual: v) }
                guard let keyValue = p[mergeKey] else { throw noMergeKey(p, mergeKey) }
                if let i = try indexOfObject(in: merged, mergeKey: mergeKey, value: keyValue) {
                    guard case .object(let o) = merged[i] else { continue }
                    merged[i] = .object(try mergeObject(o, p, path: path))
                } else {
                    merged.append(strip(v))
                }
            }
            let parts = try partition(merged, by: special.patch, mergeKey: mergeKey)
            return try normalizeOrder(patchItems: parts.inPatch, serverOnly: parts.serverOnly,
                                      patchOrder: special.patch, serverOrder: special.original, mergeKey: mergeKey)
        }

        /// sliceElementType: whether the elements (of both lists) are objects; they must all be of
        /// one JSON type, and not lists.
        func elementsAreObjects(_ lists: [JSON]...) throws(PatchError) -> Bool {
            var first: JSON?
            for list in lists {
                for v in list {
                    guard let f = first else {
                        if case .array = v { throw noListOfLists }
                        first = v
                        continue
                    }
                    if !sameType(f, v) {
                        throw PatchError(.internalError, "list element types are not identical: \(PatchError.goValue(.array(lists.map(JSON.array))))")
                    }
                }
            }
            if case .object? = first { return true }
            return false
        }

        private func sameType(_ a: JSON, _ b: JSON) -> Bool {
            switch (a, b) {
            case (.null, .null), (.bool, .bool), (.string, .string), (.array, .array), (.object, .object): true
            case (.int, .int), (.double, .double), (.int, .double), (.double, .int): true
            default: false
            }
        }

        /// Handles `$patch` elements of an object list: `delete` removes original elements with
        /// that merge key, `replace` makes the other patch elements the whole list.
        func applySpecialElements(_ original: [JSON], _ patch: [JSON], mergeKey: String)
            throws(PatchError) -> (original: [JSON], patch: [JSON])
        {
            var original = original
            var plain: [JSON] = []
            var replace = false
            for v in patch {
                guard case .object(let m) = v else { throw badArgType(expected: .object(JSONObject()), actual: v) }
                guard let directive = m[directiveMarker] else {
                    plain.append(v)
                    continue
                }
                switch directive {
                case .string("delete"):
                    guard let keyValue = m[mergeKey] else { throw noMergeKey(m, mergeKey) }
                    var kept: [JSON] = []
                    for e in original {
                        guard case .object(let o) = e else {
                            throw PatchError(.internalError, "value for key \(kept.count) is not a map")
                        }
                        if o[mergeKey] != keyValue { kept.append(e) }
                    }
                    original = kept
                case .string("replace"):
                    replace = true
                case .string("merge"):
                    throw PatchError(.internalError, "merging lists cannot yet be specified in the patch")
                default:
                    throw badPatchType(directive, m)
                }
            }
            if replace { return (plain.map(strip), []) }
            return (original, plain)
        }

        /// findMapInSliceBasedOnKeyValue: the index of the object whose merge key equals `value`.
        func indexOfObject(in list: [JSON], mergeKey: String, value: JSON) throws(PatchError) -> Int? {
            for (i, e) in list.enumerated() {
                guard case .object(let o) = e else {
                    throw PatchError(.internalError, "value for key \(i) is not a map")
                }
                if o[mergeKey] == value { return i }
            }
            return nil
        }

        /// Splits merged elements into those present in `reference` (by merge key, or by value for
        /// primitives) and server-only ones, keeping their order.
        func partition(_ merged: [JSON], by reference: [JSON], mergeKey: String?)
            throws(PatchError) -> (inPatch: [JSON], serverOnly: [JSON])
        {
            var inPatch: [JSON] = []
            var serverOnly: [JSON] = []
            guard let mergeKey else {
                let present = Set(reference)
                for v in merged {
                    if present.contains(v) { inPatch.append(v) } else { serverOnly.append(v) }
                }
                return (inPatch, serverOnly)
            }
            var present = Set<JSON>()
            for (i, r) in reference.enumerated() {
                guard case .object(let o) = r else {
                    throw PatchError(.internalError, "value for key \(i) is not a map")
                }
                if let k = o[mergeKey] { present.insert(k) }
            }
            for v in merged {
                guard case .object(let o) = v else { throw badArgType(expected: .object(JSONObject()), actual: v) }
                guard let k = o[mergeKey] else { throw noMergeKey(o, mergeKey) }
                if present.contains(k) { inPatch.append(v) } else { serverOnly.append(v) }
            }
            return (inPatch, serverOnly)
        }

        /// normalizeElementOrder: patch items in patch order, server-only items in their original
        /// order, then interleaved so that each server-only item stays ahead of the patch items
        /// that followed it in the original list.
        func normalizeOrder(patchItems: [JSON], serverOnly: [JSON], patchOrder: [JSON], serverOrder: [JSON],
                            mergeKey: String?) throws(PatchError) -> [JSON]
        {
            if let mergeKey {
                for list in [patchItems, patchOrder, serverOnly, serverOrder] {
                    for item in list {
                        guard case .object(let o) = item else {
                            throw badArgType(expected: .object(JSONObject()), actual: item)
                        }
                        if o[mergeKey] == nil { throw noMergeKey(o, mergeKey) }
                    }
                }
            }
            let patchPositions = positions(patchOrder, mergeKey: mergeKey)
            let serverPositions = positions(serverOrder, mergeKey: mergeKey)
            let sortedPatch = sortStable(patchItems, by: patchPositions, mergeKey: mergeKey)
            let sortedServer = sortStable(serverOnly, by: serverPositions, mergeKey: mergeKey)

            var out: [JSON] = []
            out.reserveCapacity(sortedPatch.count + sortedServer.count)
            var i = 0
            var j = 0
            while i < sortedServer.count || j < sortedPatch.count {
                if i >= sortedServer.count {
                    out.append(sortedPatch[j]); j += 1
                } else if j >= sortedPatch.count {
                    out.append(sortedServer[i]); i += 1
                } else if let l = serverPositions[identity(sortedServer[i], mergeKey)],
                          let r = serverPositions[identity(sortedPatch[j], mergeKey)], l < r {
                    out.append(sortedServer[i]); i += 1
                } else {
                    out.append(sortedPatch[j]); j += 1
                }
            }
            return out
        }

        /// What identifies an element for ordering: its merge key value, or itself.
        private func identity(_ v: JSON, _ mergeKey: String?) -> JSON {
            guard let mergeKey else { return v }
            return v[mergeKey] ?? .null
        }

        /// First position of each identity in `list`.
        private func positions(_ list: [JSON], mergeKey: String?) -> [JSON: Int] {
            var out: [JSON: Int] = [:]
            for (i, v) in list.enumerated() where out[identity(v, mergeKey)] == nil {
                out[identity(v, mergeKey)] = i
            }
            return out
        }

        /// Stable sort by position; elements without one keep their place relative to each other
        /// after the positioned ones (upstream's comparator never moves them ahead).
        private func sortStable(_ list: [JSON], by positions: [JSON: Int], mergeKey: String?) -> [JSON] {
            let keyed = list.enumerated().map { (offset: $0.offset, pos: positions[identity($0.element, mergeKey)], value: $0.element) }
            return keyed.sorted { a, b in
                switch (a.pos, b.pos) {
                case let (x?, y?): return x != y ? x < y : a.offset < b.offset
                case (_?, nil): return true
                case (nil, _?): return false
                case (nil, nil): return a.offset < b.offset
                }
            }.map(\.value)
        }
    }
}
