import PlinthJSON

/// A field selector: the `?fieldSelector=` syntax of apimachinery `fields.ParseSelector`
/// (`field=value`, `field==value`, `field!=value`, comma-separated and ANDed, with `\` escaping
/// `\`, `,` and `=` in values), matched against an object's selectable fields.
///
/// Parsing does not know the resource; convert the labels for a kind with
/// `converted(group:version:kind:)` (kube-apiserver's `ConvertFieldLabel`) before matching, and
/// compute an object's fields with `FieldLabels.fieldValues(group:kind:object:)`.
public struct FieldSelector: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable {
        /// `=` and `==` (the same).
        case equals = "="
        case notEquals = "!="
    }

    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        public var field: String
        public var `operator`: Operator
        public var value: String

        public init(field: String, operator op: Operator, value: String) {
            self.field = field
            self.operator = op
            self.value = value
        }

        /// A missing field counts as the empty string, as upstream's `Fields.Get`.
        @inline(__always)
        public func matches(value actual: String?) -> Bool {
            let v = actual ?? ""
            return self.operator == .equals ? v == value : v != value
        }

        public var description: String {
            field + (self.operator == .equals ? "=" : "!=") + FieldSelector.escapeValue(value)
        }
    }

    /// The terms, in upstream's order (sorted by their raw text).
    public private(set) var requirements: [Requirement]

    public init(_ requirements: [Requirement]) { self.requirements = requirements }

    /// `fields.Everything()`.
    public static let everything = FieldSelector([])

    /// `fields.SelectorFromSet`: `field=value` for every entry.
    public init(matchFields: [String: String]) {
        requirements = matchFields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map {
            Requirement(field: $0, operator: .equals, value: matchFields[$0]!)
        }
    }

    public var isEverything: Bool { requirements.isEmpty }

    public func matches(_ fields: [String: String]) -> Bool {
        for r in requirements where !r.matches(value: fields[r.field]) { return false }
        return true
    }

    /// Matches with a lookup function instead of a dictionary.
    public func matches(lookup: (String) -> String?) -> Bool {
        for r in requirements where !r.matches(value: lookup(r.field)) { return false }
        return true
    }

    /// `RequiresExactMatch`: the value `field` must equal, if a `=` term names it.
    public func requiresExactMatch(_ field: String) -> String? {
        for r in requirements where r.field == field && r.operator == .equals { return r.value }
        return nil
    }

    /// Upstream's `String()`: terms joined by ",", values escaped.
    public var description: String { requirements.map(\.description).joined(separator: ",") }

    /// `Selector.Transform`: rewrites every term's field and value; a term whose field and value
    /// both become empty is dropped. The first error (in term order) is thrown.
    public func transformed(_ fn: (_ field: String, _ value: String) throws(SelectorError) -> (field: String, value: String)) throws(SelectorError) -> FieldSelector {
        var out: [Requirement] = []
        out.reserveCapacity(requirements.count)
        for r in requirements {
            let (f, v) = try fn(r.field, r.value)
            if f.isEmpty && v.isEmpty { continue }
            out.append(Requirement(field: f, operator: r.operator, value: v))
        }
        return FieldSelector(out)
    }

    /// The selector with its field labels converted for a resource, as kube-apiserver does
    /// before listing (`ConvertFieldLabel`): unsupported labels throw upstream's message, and
    /// aliases are rewritten (pods' `spec.host` → `spec.nodeName`, events.k8s.io's
    /// `regarding.name` → `involvedObject.name`, …). `customFields` lists a custom resource's
    /// selectable fields (labels without the leading dot).
    public func converted(group: String, version: String, kind: String, customFields: [String] = []) throws(SelectorError) -> FieldSelector {
        try transformed { (f, v) throws(SelectorError) in
            (try FieldLabels.convert(group: group, version: version, kind: kind, label: f, customFields: customFields), v)
        }
    }

    // MARK: - Parsing

    /// `fields.ParseSelector`. Terms are split on unescaped commas and sorted; empty terms are
    /// skipped; each term splits at its first `!=`, `==` or `=`; the value is unescaped. A term
    /// with an empty field and an empty value (`=`) is dropped.
    public static func parse(_ selector: String) throws(SelectorError) -> FieldSelector {
        let bytes = Array(selector.utf8)
        if bytes.isEmpty { return .everything }
        // Split on unescaped commas.
        var terms: [ArraySlice<UInt8>] = []
        var start = 0
        var inSlash = false
        for i in 0..<bytes.count {
            let c = bytes[i]
            if inSlash {
                inSlash = false
            } else if c == UInt8(ascii: "\\") {
                inSlash = true
            } else if c == UInt8(ascii: ",") {
                terms.append(bytes[start..<i])
                start = i + 1
            }
        }
        terms.append(bytes[start..<bytes.count])
        if terms.count > 1 { terms.sort { $0.lexicographicallyPrecedes($1) } }

        var reqs: [Requirement] = []
        for term in terms where !term.isEmpty {
            guard let (lhs, op, rhs) = splitTerm(term) else {
                throw SelectorError("invalid selector: '\(selector)'; can't understand '\(String(decoding: term, as: UTF8.self))'")
            }
            let value = try unescape(rhs)
            if lhs.isEmpty && value.isEmpty { continue }
            reqs.append(Requirement(field: String(decoding: lhs, as: UTF8.self), operator: op, value: value))
        }
        return FieldSelector(reqs)
    }

    /// Splits at the first position where `!=`, `==` or `=` starts (in that preference).
    static func splitTerm(_ term: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, Operator, ArraySlice<UInt8>)? {
        var i = term.startIndex
        while i < term.endIndex {
            let c = term[i]
            let next: UInt8? = i + 1 < term.endIndex ? term[i + 1] : nil
            if c == UInt8(ascii: "!") && next == UInt8(ascii: "=") {
                return (term[term.startIndex..<i], .notEquals, term[(i + 2)...])
            }
            if c == UInt8(ascii: "=") {
                if next == UInt8(ascii: "=") { return (term[term.startIndex..<i], .equals, term[(i + 2)...]) }
                return (term[term.startIndex..<i], .equals, term[(i + 1)...])
            }
            i += 1
        }
        return nil
    }

    /// `fields.UnescapeValue`.
    static func unescape(_ raw: ArraySlice<UInt8>) throws(SelectorError) -> String {
        if !raw.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "=") }) {
            return String(decoding: raw, as: UTF8.self)
        }
        let s = String(decoding: raw, as: UTF8.self)
        var out = ""
        out.reserveCapacity(raw.count)
        var inSlash = false
        for ch in s.unicodeScalars {
            if inSlash {
                switch ch {
                case "\\", ",", "=":
                    out.unicodeScalars.append(ch)
                default:
                    throw SelectorError("invalid field selector: invalid escape sequence: \\" + String(ch))
                }
                inSlash = false
                continue
            }
            switch ch {
            case "\\":
                inSlash = true
            case ",", "=":
                // Go prints the rune with %v: its code point in decimal.
                throw SelectorError("invalid field selector: unescaped character in value: \(ch.value)")
            default:
                out.unicodeScalars.append(ch)
            }
        }
        if inSlash { throw SelectorError("invalid field selector: invalid escape sequence: \\") }
        return out
    }

    /// `fields.EscapeValue`: `\` → `\\`, `,` → `\,`, `=` → `\=`.
    public static func escapeValue(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "=") }) {
            return s
        }
        var out = ""
        for ch in s.unicodeScalars {
            if ch == "\\" || ch == "," || ch == "=" { out += "\\" }
            out.unicodeScalars.append(ch)
        }
        return out
    }

    /// Matches a stored object of `group`/`kind`, computing only the fields the terms name
    /// (`FieldLabels.value(of:…)`). The selector should already be `converted(...)` for the kind.
    public func matches(group: String = "", kind: String, object: JSON, customFields: [String] = []) -> Bool {
        matches { FieldLabels.value(of: $0, group: group, kind: kind, object: object, customFields: customFields) }
    }

    /// `FieldLabels.fieldValues(group:kind:object:)`, for convenience.
    public static func fieldValues(group: String = "", kind: String, object: JSON, customFields: [String] = []) -> [String: String] {
        FieldLabels.fieldValues(group: group, kind: kind, object: object, customFields: customFields)
    }
}
