import PlinthJSON

/// RFC 6902 JSON Patch (`application/json-patch+json`) as kube-apiserver applies it.
///
/// kube-apiserver uses gopkg.in/evanphx/json-patch.v4, whose behaviour clients can observe and
/// which this follows rather than the letter of the RFC: `replace` of a missing object key adds
/// it, negative array indices count from the end, `copy` from a missing key copies `null`, a
/// pointer's text before its first `/` is ignored, and error messages use its wording.
public enum JSONPatch {
    /// The most operations one patch may carry (kube-apiserver's maxJSONPatchOperations).
    public static let maxOperations = 10_000

    /// Applies `patch` (an array of operation objects) to `doc` (an object or array).
    public static func apply(_ patch: JSON, to doc: JSON) throws(PatchError) -> JSON {
        let operations = try decode(patch)
        if operations.count > maxOperations {
            throw PatchError(.tooLarge, "The allowed maximum operations in a JSON patch is \(maxOperations), got \(operations.count)")
        }
        switch doc {
        case .object, .array: break
        default:
            throw PatchError(.invalid, "json: cannot unmarshal \(doc.typeName) into Go value of type jsonpatch.partialDoc")
        }
        var doc = doc
        for op in operations {
            try op.apply(to: &doc)
        }
        return doc
    }

    /// Splits a patch document into operations the way Go's decoder fills `jsonpatch.Patch`:
    /// `null` is an empty patch and a `null` element an operation of kind "unknown".
    static func decode(_ patch: JSON) throws(PatchError) -> [Operation] {
        switch patch {
        case .null:
            return []
        case .array(let items):
            var ops: [Operation] = []
            ops.reserveCapacity(items.count)
            for item in items {
                switch item {
                case .object(let o): ops.append(Operation(fields: o))
                case .null: ops.append(Operation(fields: JSONObject()))
                default:
                    throw PatchError(.badRequest, "json: cannot unmarshal \(item.typeName) into Go value of type jsonpatch.Operation")
                }
            }
            return ops
        default:
            throw PatchError(.badRequest, "json: cannot unmarshal \(patch.typeName) into Go value of type jsonpatch.Patch")
        }
    }
}

// MARK: - Operations

extension JSONPatch {
    /// One operation object; fields are read lazily, as upstream does, so that a malformed field
    /// only fails the operation that needs it.
    struct Operation {
        var fields: JSONObject

        /// The `op` member, or "unknown" when it is missing or not a string.
        var kind: String {
            if case .string(let s)? = fields["op"] { return s }
            return "unknown"
        }

        /// The `value` member; nil when absent (upstream then adds `null`).
        var value: JSON? { fields["value"] }

        /// A string member, or the Go error text explaining why it could not be read.
        private func stringField(_ name: String, missing: String) -> (value: String?, error: String) {
            switch fields[name] {
            case .string(let s)?: return (s, "")
            case nil, .null?: return (nil, missing + ": " + PatchError.missing)
            case let other?: return (nil, "json: cannot unmarshal \(other.typeName) into Go value of type string")
            }
        }

        var path: (value: String?, error: String) { stringField("path", missing: "operation missing path field") }
        var from: (value: String?, error: String) { stringField("from", missing: "operation, missing from field") }

        func apply(to doc: inout JSON) throws(PatchError) {
            switch kind {
            case "add": try add(&doc)
            case "remove": try remove(&doc)
            case "replace": try replace(&doc)
            case "move": try move(&doc)
            case "test": try test(&doc)
            case "copy": try copy(&doc)
            default: throw PatchError(.invalid, "Unexpected kind: \(kind)")
            }
        }

        private func fail(_ message: String) -> PatchError { PatchError(.invalid, message) }

        private func add(_ doc: inout JSON) throws(PatchError) {
            guard let path = path.value else {
                throw fail("add operation failed to decode path: \(PatchError.missing)")
            }
            let value = self.value ?? .null
            let found = try JSONPatch.withContainer(&doc, path) { (c: inout JSON, key: String) throws(PatchError) in
                if let e = JSONPatch.add(&c, key, value) {
                    throw fail("error in add for path: '\(path)': \(e)")
                }
            }
            if !found {
                throw fail("add operation does not apply: doc is missing path: \"\(path)\": \(PatchError.missing)")
            }
        }

        private func remove(_ doc: inout JSON) throws(PatchError) {
            guard let path = path.value else {
                throw fail("remove operation failed to decode path: \(PatchError.missing)")
            }
            let found = try JSONPatch.withContainer(&doc, path) { (c: inout JSON, key: String) throws(PatchError) in
                if let e = JSONPatch.remove(&c, key) {
                    throw fail("error in remove for path: '\(path)': \(e)")
                }
            }
            if !found {
                throw fail("remove operation does not apply: doc is missing path: \"\(path)\": \(PatchError.missing)")
            }
        }

        private func replace(_ doc: inout JSON) throws(PatchError) {
            let decoded = self.path
            guard let path = decoded.value else {
                throw fail("replace operation failed to decode path: \(decoded.error)")
            }
            let value = self.value ?? .null
            if path.isEmpty {
                // The whole document: only an object or array replaces it; upstream silently
                // ignores anything else.
                switch value {
                case .object, .array: doc = value
                default: break
                }
                return
            }
            let found = try JSONPatch.withContainer(&doc, path) { (c: inout JSON, key: String) throws(PatchError) in
                if JSONPatch.get(c, key).error != nil {
                    throw fail("replace operation does not apply: doc is missing key: \(path): \(PatchError.missing)")
                }
                if let e = JSONPatch.set(&c, key, value) {
                    throw fail("error in remove for path: '\(path)': \(e)")
                }
            }
            if !found {
                throw fail("replace operation does not apply: doc is missing path: \(path): \(PatchError.missing)")
            }
        }

        private func move(_ doc: inout JSON) throws(PatchError) {
            let decodedFrom = self.from
            guard let from = decodedFrom.value else {
                throw fail("move operation failed to decode from: \(decodedFrom.error)")
            }
            var moved: JSON = .null
            let foundFrom = try JSONPatch.withContainer(&doc, from) { (c: inout JSON, key: String) throws(PatchError) in
                let got = JSONPatch.get(c, key)
                if let e = got.error { throw fail("error in move for path: '\(key)': \(e)") }
                if let e = JSONPatch.remove(&c, key) { throw fail("error in move for path: '\(key)': \(e)") }
                moved = got.value ?? .null
            }
            if !foundFrom {
                throw fail("move operation does not apply: doc is missing from path: \(from): \(PatchError.missing)")
            }
            let decodedPath = self.path
            guard let path = decodedPath.value else {
                throw fail("move operation failed to decode path: \(decodedPath.error)")
            }
            let found = try JSONPatch.withContainer(&doc, path) { (c: inout JSON, key: String) throws(PatchError) in
                if let e = JSONPatch.add(&c, key, moved) {
                    throw fail("error in move for path: '\(path)': \(e)")
                }
            }
            if !found {
                throw fail("move operation does not apply: doc is missing destination path: \(path): \(PatchError.missing)")
            }
        }

        private func test(_ doc: inout JSON) throws(PatchError) {
            let decoded = self.path
            guard let path = decoded.value else {
                throw fail("test operation failed to decode path: \(decoded.error)")
            }
            let expected = self.value
            let failed = fail("testing value \(path) failed: test failed")
            if path.isEmpty {
                if let expected, expected == doc { return }
                throw failed
            }
            var matches = false
            let found = try JSONPatch.withContainer(&doc, path) { (c: inout JSON, key: String) throws(PatchError) in
                let got = JSONPatch.get(c, key)
                if let e = got.error { throw fail("error in test for path: '\(path)': \(e)") }
                // A missing key and a null value are the same to upstream (a nil node).
                switch (got.value, expected) {
                case (nil, nil), (nil, .null?): matches = true
                case (nil, _?), (_?, nil): matches = false
                case (let actual?, let expected?): matches = actual == expected
                }
            }
            if !found {
                throw fail("test operation does not apply: is missing path: \(path): \(PatchError.missing)")
            }
            if !matches { throw failed }
        }

        private func copy(_ doc: inout JSON) throws(PatchError) {
            let decodedFrom = self.from
            guard let from = decodedFrom.value else {
                throw fail("copy operation failed to decode from: \(decodedFrom.error)")
            }
            var copied: JSON = .null
            let foundFrom = try JSONPatch.withContainer(&doc, from) { (c: inout JSON, key: String) throws(PatchError) in
                let got = JSONPatch.get(c, key)
                if let e = got.error { throw fail("error in copy for from: '\(from)': \(e)") }
                copied = got.value ?? .null
            }
            if !foundFrom {
                throw fail("copy operation does not apply: doc is missing from path: \(from): \(PatchError.missing)")
            }
            guard let path = path.value else {
                throw fail("copy operation failed to decode path: \(PatchError.missing)")
            }
            let found = try JSONPatch.withContainer(&doc, path) { (c: inout JSON, key: String) throws(PatchError) in
                if let e = JSONPatch.add(&c, key, copied) {
                    throw fail("error while adding value during copy: \(e)")
                }
            }
            if !found {
                throw fail("copy operation does not apply: doc is missing destination path: \(path): \(PatchError.missing)")
            }
        }
    }
}

// MARK: - JSON Pointer navigation

extension JSONPatch {
    /// Runs `body` on the object or array holding the pointer's last token, with that token
    /// decoded. False when upstream's findObject gives up: fewer than two `/`-separated parts, or
    /// a parent token that is missing, null, out of range or reaches a scalar.
    static func withContainer(
        _ doc: inout JSON, _ pointer: String,
        _ body: (inout JSON, String) throws(PatchError) -> Void
    ) throws(PatchError) -> Bool {
        let raw = pointer.split(separator: "/", omittingEmptySubsequences: false)
        guard raw.count >= 2 else { return false }
        let parents = raw[1 ..< raw.count - 1].map(unescape)
        let key = unescape(raw[raw.count - 1])
        return try descend(&doc, parents[...], key, body)
    }

    private static func descend(
        _ node: inout JSON, _ parents: ArraySlice<String>, _ key: String,
        _ body: (inout JSON, String) throws(PatchError) -> Void
    ) throws(PatchError) -> Bool {
        guard let token = parents.first else {
            try body(&node, key)
            return true
        }
        switch node {
        case .object(var o):
            guard var child = o[token], isContainer(child) else { return false }
            // Detach the child so that it is uniquely referenced while it is mutated.
            node = .null
            o[token] = .null
            let found = try descend(&child, parents.dropFirst(), key, body)
            o[token] = child
            node = .object(o)
            return found
        case .array(var a):
            guard let i = goAtoi(token).value, let idx = resolveIndex(i, count: a.count),
                  isContainer(a[idx]) else { return false }
            node = .null
            var child = a[idx]
            a[idx] = .null
            let found = try descend(&child, parents.dropFirst(), key, body)
            a[idx] = child
            node = .array(a)
            return found
        default:
            return false
        }
    }

    private static func isContainer(_ v: JSON) -> Bool {
        switch v {
        case .object, .array: true
        default: false
        }
    }

    /// An index into an array of `count` elements, negative ones counting from the end; nil
    /// when out of range.
    private static func resolveIndex(_ i: Int, count: Int) -> Int? {
        var idx = i
        if idx < 0 {
            if idx < -count { return nil }
            idx += count
        }
        return idx < count ? idx : nil
    }

    /// RFC 6901 unescaping: `~1` is `/`, `~0` is `~` (one left-to-right pass, so `~01` is `~1`).
    static func unescape(_ token: Substring) -> String {
        guard token.contains("~") else { return String(token) }
        var out = ""
        var chars = token.makeIterator()
        var pending: Character? = chars.next()
        while let c = pending {
            pending = chars.next()
            if c == "~", let n = pending, n == "0" || n == "1" {
                out.append(n == "0" ? "~" : "/")
                pending = chars.next()
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Go's `strconv.Atoi`: an optional sign and decimal digits, with its error text.
    static func goAtoi(_ s: String) -> (value: Int?, error: String) {
        let syntax = "strconv.Atoi: parsing \(GoStringFormat.quote(s)): invalid syntax"
        var digits = Substring(s)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return (nil, syntax) }
        var value: Int = 0
        for d in digits.utf8 {
            let digit = Int(d - UInt8(ascii: "0"))
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (r, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            if o1 || o2 { return (nil, "strconv.Atoi: parsing \(GoStringFormat.quote(s)): value out of range") }
            value = r
        }
        return (value, "")
    }

    private static func indexError(_ idx: Int) -> String {
        "Unable to access invalid index: \(idx): \(PatchError.invalidIndex)"
    }

    /// Upstream's container get: nil for a missing key or a null value (both a nil node to it);
    /// an error only for a bad array index.
    static func get(_ c: JSON, _ key: String) -> (value: JSON?, error: String?) {
        switch c {
        case .object(let o):
            let v = o[key]
            return (v == .null ? nil : v, nil)
        case .array(let a):
            let parsed = goAtoi(key)
            guard var idx = parsed.value else { return (nil, parsed.error) }
            if idx < 0 {
                if idx < -a.count { return (nil, indexError(idx)) }
                idx += a.count
            }
            if idx >= a.count { return (nil, indexError(idx)) }
            let v = a[idx]
            return (v == .null ? nil : v, nil)
        default:
            return (nil, PatchError.missing)
        }
    }

    /// Upstream's set (used by replace only, after a successful get).
    static func set(_ c: inout JSON, _ key: String, _ value: JSON) -> String? {
        switch c {
        case .object(var o):
            c = .null
            o[key] = value
            c = .object(o)
            return nil
        case .array(var a):
            let parsed = goAtoi(key)
            guard var idx = parsed.value else { return parsed.error }
            if idx < 0 {
                if idx < -a.count { return indexError(idx) }
                idx += a.count
            }
            if idx >= a.count { return indexError(idx) }
            c = .null
            a[idx] = value
            c = .array(a)
            return nil
        default:
            return PatchError.missing
        }
    }

    /// Upstream's add: sets an object member; inserts into an array (`-` appends).
    static func add(_ c: inout JSON, _ key: String, _ value: JSON) -> String? {
        switch c {
        case .object(var o):
            c = .null
            o[key] = value
            c = .object(o)
            return nil
        case .array(var a):
            if key == "-" {
                c = .null
                a.append(value)
                c = .array(a)
                return nil
            }
            let parsed = goAtoi(key)
            guard var idx = parsed.value else {
                return "value was not a proper array index: '\(key)': \(parsed.error)"
            }
            let size = a.count + 1
            if idx >= size { return indexError(idx) }
            if idx < 0 {
                if idx < -size { return indexError(idx) }
                idx += size
            }
            c = .null
            a.insert(value, at: idx)
            c = .array(a)
            return nil
        default:
            return PatchError.missing
        }
    }

    /// Upstream's remove: a missing object key is an error, a null-valued one is removed.
    static func remove(_ c: inout JSON, _ key: String) -> String? {
        switch c {
        case .object(var o):
            guard o.index(forKey: key) != nil else {
                return "Unable to remove nonexistent key: \(key): \(PatchError.missing)"
            }
            c = .null
            o.removeValue(forKey: key)
            c = .object(o)
            return nil
        case .array(var a):
            let parsed = goAtoi(key)
            guard var idx = parsed.value else { return parsed.error }
            if idx >= a.count { return indexError(idx) }
            if idx < 0 {
                if idx < -a.count { return indexError(idx) }
                idx += a.count
            }
            c = .null
            a.remove(at: idx)
            c = .array(a)
            return nil
        default:
            return PatchError.missing
        }
    }
}
