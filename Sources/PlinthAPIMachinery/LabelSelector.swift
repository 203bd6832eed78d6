import PlinthJSON

/// A label selector: the `?labelSelector=` string form (apimachinery `labels.Parse`) or the
/// `metav1.LabelSelector` object form (`LabelSelectorAsSelector`), matched against label maps.
///
/// Requirements are ANDed and kept sorted by key, as upstream does, so `description` is the
/// canonical string form (`a in (x,y),!b,c=d`).
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable {
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
        case `in` = "in"
        case notIn = "notin"
        case exists = "exists"
        case doesNotExist = "!"
        case greaterThan = "gt"
        case lessThan = "lt"
    }

    /// One `key op values` condition.
    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        public let key: String
        public let `operator`: Operator
        /// The values, as given (the string parser gives them sorted and de-duplicated).
        public let values: [String]
        /// The bound of `gt`/`lt`, parsed once.
        let bound: Int64?

        /// `labels.NewRequirement`: validates the key, the values and their count for `op`.
        public init(key: String, operator op: Operator, values: [String]) throws(SelectorError) {
            try self.init(key: key, operator: op, values: values, nilValues: false)
        }

        /// `nilValues` renders an empty value list as Go's `null` in messages (a nil slice).
        init(key: String, operator op: Operator, values: [String], nilValues: Bool) throws(SelectorError) {
            var errs: [String] = []
            let keyErrors = NameValidation.qualifiedName(key)
            if !keyErrors.isEmpty {
                errs.append(GoStringFormat.invalid("key", renderedValue: GoStringFormat.quote(key), keyErrors.joined(separator: "; ")))
            }
            let rendered = GoStringFormat.jsonStringArray(nilValues && values.isEmpty ? nil : values)
            var bound: Int64? = nil
            switch op {
            case .in, .notIn:
                if values.isEmpty {
                    errs.append(GoStringFormat.invalid("values", renderedValue: rendered, "for 'in', 'notin' operators, values set can't be empty"))
                }
            case .equals, .doubleEquals, .notEquals:
                if values.count != 1 {
                    errs.append(GoStringFormat.invalid("values", renderedValue: rendered, "exact-match compatibility requires one single value"))
                }
            case .exists, .doesNotExist:
                if !values.isEmpty {
                    errs.append(GoStringFormat.invalid("values", renderedValue: rendered, "values set must be empty for exists and does not exist"))
                }
            case .greaterThan, .lessThan:
                if values.count != 1 {
                    errs.append(GoStringFormat.invalid("values", renderedValue: rendered, "for 'Gt', 'Lt' operators, exactly one value is required"))
                }
                for (i, v) in values.enumerated() {
                    if let n = LabelSelector.parseInt64(v) {
                        if values.count == 1 { bound = n }
                    } else {
                        errs.append(GoStringFormat.invalid("values[\(i)]", renderedValue: GoStringFormat.quote(v), "for 'Gt', 'Lt' operators, the value must be an integer"))
                    }
                }
            }
            for (i, v) in values.enumerated() {
                let m = NameValidation.labelValue(v)
                if !m.isEmpty {
                    errs.append(GoStringFormat.invalid("values[\(i)][\(key)]", renderedValue: GoStringFormat.quote(v), m.joined(separator: "; ")))
                }
            }
            if !errs.isEmpty { throw SelectorError(GoStringFormat.aggregate(errs)) }
            self.key = key
            self.operator = op
            self.values = values
            self.bound = bound
        }

        /// Unvalidated, for selectors built from already-validated label sets.
        init(unchecked key: String, _ op: Operator, _ values: [String]) {
            self.key = key
            self.operator = op
            self.values = values
            self.bound = (op == .greaterThan || op == .lessThan) && values.count == 1 ? LabelSelector.parseInt64(values[0]) : nil
        }

        public func matches(_ labels: [String: String]) -> Bool {
            matches(value: labels[key], present: labels[key] != nil)
        }

        /// Matches given the label's value (nil when the label is absent).
        @inline(__always)
        public func matches(value: String?) -> Bool { matches(value: value, present: value != nil) }

        @inline(__always)
        func matches(value: String?, present: Bool) -> Bool {
            switch self.operator {
            case .in, .equals, .doubleEquals:
                guard let value else { return false }
                return values.contains(value)
            case .notIn, .notEquals:
                guard let value else { return true }
                return !values.contains(value)
            case .exists:
                return present
            case .doesNotExist:
                return !present
            case .greaterThan, .lessThan:
                guard let value, let bound, let n = LabelSelector.parseInt64(value) else { return false }
                return self.operator == .greaterThan ? n > bound : n < bound
            }
        }

        /// Upstream's `Requirement.String()`.
        public var description: String {
            var s = self.operator == .doesNotExist ? "!" + key : key
            switch self.operator {
            case .exists, .doesNotExist: return s
            case .equals: s += "="
            case .doubleEquals: s += "=="
            case .notEquals: s += "!="
            case .in: s += " in "
            case .notIn: s += " notin "
            case .greaterThan: s += ">"
            case .lessThan: s += "<"
            }
            let list = values.count == 1 ? values[0] : values.sorted(by: LabelSelector.byteOrder).joined(separator: ",")
            if self.operator == .in || self.operator == .notIn { return s + "(" + list + ")" }
            return s + list
        }

        public static func == (a: Requirement, b: Requirement) -> Bool {
            a.key == b.key && a.operator == b.operator && a.values == b.values
        }

        public func hash(into h: inout Hasher) {
            h.combine(key)
            h.combine(self.operator)
            h.combine(values)
        }
    }

    /// The requirements, sorted by key.
    public private(set) var requirements: [Requirement]
    /// True for the selector that matches nothing (a nil `metav1.LabelSelector`).
    public private(set) var isNothing: Bool

    /// The selector that matches every label set.
    public static let everything = LabelSelector(requirements: [], isNothing: false)
    /// The selector that matches no label set.
    public static let nothing = LabelSelector(requirements: [], isNothing: true)

    init(requirements: [Requirement], isNothing: Bool) {
        self.requirements = requirements
        self.isNothing = isNothing
    }

    /// A selector from requirements (sorted by key here).
    public init(_ requirements: [Requirement]) {
        self.requirements = LabelSelector.sortedByKey(requirements)
        self.isNothing = false
    }

    /// `SelectorFromSet`: `key=value` for every entry, without validation. An empty set selects everything.
    public init(matchLabels: [String: String]) {
        self.requirements = matchLabels.keys.sorted(by: LabelSelector.byteOrder).map {
            Requirement(unchecked: $0, .equals, [matchLabels[$0]!])
        }
        self.isNothing = false
    }

    /// Whether the selector restricts nothing (no requirements; not the "nothing" selector).
    public var isEverything: Bool { !isNothing && requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        if isNothing { return false }
        for r in requirements where !r.matches(value: labels[r.key]) { return false }
        return true
    }

    /// Matches against an object's `metadata.labels` as stored (nil when absent). Non-string
    /// values count as absent.
    public func matches(labels: JSONObject?) -> Bool {
        if isNothing { return false }
        if requirements.isEmpty { return true }
        guard let labels else {
            for r in requirements where !r.matches(value: nil) { return false }
            return true
        }
        for r in requirements where !r.matches(value: labels[r.key]?.stringValue) { return false }
        return true
    }

    /// Matches against a whole object, reading `metadata.labels`.
    public func matches(object: JSON) -> Bool {
        matches(labels: object["metadata"]?["labels"]?.objectValue)
    }

    /// `RequiresExactMatch`: the single value `key` must have (from `=`, `==` or a one-value `in`).
    public func requiresExactMatch(_ key: String) -> String? {
        guard let r = requirements.first(where: { $0.key == key }) else { return nil }
        switch r.operator {
        case .equals, .doubleEquals, .in: return r.values.count == 1 ? r.values[0] : nil
        default: return nil
        }
    }

    /// Upstream's `Selector.String()`: requirements joined by ",".
    public var description: String { requirements.map(\.description).joined(separator: ",") }

    /// A copy with more requirements (re-sorted by key).
    public func adding(_ more: [Requirement]) -> LabelSelector {
        if isNothing { return self }
        return LabelSelector(requirements + more)
    }

    // MARK: - metav1.LabelSelector

    /// `metav1.LabelSelectorAsSelector` on the JSON form `{"matchLabels": {…}, "matchExpressions": [{key, operator, values}]}`.
    /// An empty object selects everything; `null` gives `.nothing` as upstream does for a nil
    /// selector — callers that treat an absent selector differently should check before calling.
    public init(json: JSON) throws(SelectorError) {
        if case .null = json { self = .nothing; return }
        guard case .object(let o) = json else {
            throw SelectorError("json: cannot unmarshal \(json.typeName) into Go value of type v1.LabelSelector")
        }
        var reqs: [Requirement] = []
        if let ml = o["matchLabels"], !ml.isNull {
            guard case .object(let labels) = ml else {
                throw SelectorError("json: cannot unmarshal \(ml.typeName) into Go struct field LabelSelector.matchLabels of type map[string]string")
            }
            // Go iterates the map in random order; sort so the first error reported is stable.
            let entries = labels.entries.sorted { LabelSelector.byteOrder($0.key, $1.key) }
            for e in entries {
                guard case .string(let v) = e.value else {
                    if e.value.isNull { reqs.append(try Requirement(key: e.key, operator: .equals, values: [""])); continue }
                    throw SelectorError("json: cannot unmarshal \(e.value.typeName) into Go struct field LabelSelector.matchLabels of type string")
                }
                reqs.append(try Requirement(key: e.key, operator: .equals, values: [v]))
            }
        }
        if let me = o["matchExpressions"], !me.isNull {
            guard case .array(let exprs) = me else {
                throw SelectorError("json: cannot unmarshal \(me.typeName) into Go struct field LabelSelector.matchExpressions of type []v1.LabelSelectorRequirement")
            }
            for expr in exprs {
                guard case .object(let eo) = expr else {
                    if expr.isNull { throw SelectorError("\"\" is not a valid label selector operator") }
                    throw SelectorError("json: cannot unmarshal \(expr.typeName) into Go struct field LabelSelector.matchExpressions of type v1.LabelSelectorRequirement")
                }
                let key = try LabelSelector.stringField(eo, "key", "LabelSelectorRequirement.key")
                let opName = try LabelSelector.stringField(eo, "operator", "LabelSelectorRequirement.operator")
                var values: [String] = []
                if let vs = eo["values"], !vs.isNull {
                    guard case .array(let arr) = vs else {
                        throw SelectorError("json: cannot unmarshal \(vs.typeName) into Go struct field LabelSelectorRequirement.matchExpressions.values of type []string")
                    }
                    for v in arr {
                        switch v {
                        case .string(let s): values.append(s)
                        case .null: values.append("")
                        default:
                            throw SelectorError("json: cannot unmarshal \(v.typeName) into Go struct field LabelSelectorRequirement.matchExpressions.values of type string")
                        }
                    }
                }
                let op: Operator
                switch opName {
                case "In": op = .in
                case "NotIn": op = .notIn
                case "Exists": op = .exists
                case "DoesNotExist": op = .doesNotExist
                default: throw SelectorError(GoStringFormat.quote(opName) + " is not a valid label selector operator")
                }
                reqs.append(try Requirement(key: key, operator: op, values: values, nilValues: true))
            }
        }
        self.init(reqs)
    }

    private static func stringField(_ o: JSONObject, _ name: String, _ goField: String) throws(SelectorError) -> String {
        guard let v = o[name] else { return "" }
        switch v {
        case .string(let s): return s
        case .null: return ""
        default: throw SelectorError("json: cannot unmarshal \(v.typeName) into Go struct field \(goField) of type string")
        }
    }

    // MARK: - String form

    /// `labels.Parse`: the `?labelSelector=` syntax.
    ///
    ///     selector    ::= requirement | requirement "," selector
    ///     requirement ::= [!] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
    ///
    /// Errors carry upstream's message, e.g. `unable to parse requirement: found '', expected: '('`.
    public static func parse(_ selector: String) throws(SelectorError) -> LabelSelector {
        var p = LabelSelectorParser(Array(selector.utf8))
        return LabelSelector(try p.parse())
    }

    // MARK: - Helpers

    /// Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, no overflow.
    static func parseInt64(_ s: String) -> Int64? {
        var it = s.utf8.makeIterator()
        guard var b = it.next() else { return nil }
        var negative = false
        if b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
            negative = b == UInt8(ascii: "-")
            guard let n = it.next() else { return nil }
            b = n
        }
        // Accumulate negatively so Int64.min parses.
        var acc: Int64 = 0
        while true {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            let (m, o1) = acc.multipliedReportingOverflow(by: 10)
            let (r, o2) = m.subtractingReportingOverflow(Int64(b - 0x30))
            if o1 || o2 { return nil }
            acc = r
            guard let n = it.next() else { break }
            b = n
        }
        if negative { return acc }
        let (p, o) = Int64(0).subtractingReportingOverflow(acc)
        return o ? nil : p
    }

    /// Go's string ordering (bytewise).
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    static func sortedByKey(_ reqs: [Requirement]) -> [Requirement] {
        if reqs.count < 2 { return reqs }
        // Stable, so requirements on one key keep their order.
        return reqs.enumerated().sorted { x, y in
            if x.element.key == y.element.key { return x.offset < y.offset }
            return byteOrder(x.element.key, y.element.key)
        }.map(\.element)
    }
}

/// The lexer and recursive-descent parser of `labels.Parse`, byte for byte: the same tokens,
/// the same look-ahead rules and the same error texts.
struct LabelSelectorParser {
    enum Token: Equatable {
        case endOfString, closedPar, comma, doesNotExist, doubleEquals, equals, greaterThan
        case identifier, `in`, lessThan, notEquals, notIn, openPar
    }

    struct Item {
        var token: Token
        var literal: String
    }

    enum Context { case keyAndOperator, values }

    let s: [UInt8]
    var pos = 0
    var items: [Item] = []
    var position = 0

    init(_ s: [UInt8]) { self.s = s }

    // MARK: Lexer

    @inline(__always) static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A
    }

    @inline(__always) static func isSpecial(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: ","), UInt8(ascii: ">"), UInt8(ascii: "<"):
            return true
        default:
            return false
        }
    }

    static func symbolToken(_ b: ArraySlice<UInt8>) -> Token? {
        switch b.count {
        case 1:
            switch b[b.startIndex] {
            case UInt8(ascii: ")"): return .closedPar
            case UInt8(ascii: ","): return .comma
            case UInt8(ascii: "!"): return .doesNotExist
            case UInt8(ascii: "="): return .equals
            case UInt8(ascii: ">"): return .greaterThan
            case UInt8(ascii: "<"): return .lessThan
            case UInt8(ascii: "("): return .openPar
            default: return nil
            }
        case 2:
            let a = b[b.startIndex], c = b[b.startIndex + 1]
            if c != UInt8(ascii: "=") { return nil }
            if a == UInt8(ascii: "=") { return .doubleEquals }
            if a == UInt8(ascii: "!") { return .notEquals }
            return nil
        default:
            return nil
        }
    }

    /// Reads one byte; 0 at the end (a NUL in the input reads as 0 too, as upstream).
    mutating func read() -> UInt8 {
        if pos < s.count {
            let b = s[pos]
            pos += 1
            return b
        }
        return 0
    }

    mutating func scanIdentifierOrKeyword() -> Item {
        let start = pos
        var end = pos
        while true {
            let c = read()
            if c == 0 { break }
            if LabelSelectorParser.isSpecial(c) || LabelSelectorParser.isWhitespace(c) { pos -= 1; break }
            end = pos
        }
        let lit = String(decoding: s[start..<end], as: UTF8.self)
        if lit == "in" { return Item(token: .in, literal: lit) }
        if lit == "notin" { return Item(token: .notIn, literal: lit) }
        return Item(token: .identifier, literal: lit)
    }

    mutating func scanSpecialSymbol() -> Item {
        var buffer: [UInt8] = []
        var last: Item? = nil
        while true {
            let c = read()
            if c == 0 { break }
            if LabelSelectorParser.isSpecial(c) {
                buffer.append(c)
                if let t = LabelSelectorParser.symbolToken(buffer[...]) {
                    last = Item(token: t, literal: String(decoding: buffer, as: UTF8.self))
                } else if last != nil {
                    pos -= 1
                    break
                }
            } else {
                pos -= 1
                break
            }
        }
        // Every single special byte is a token, so `last` is always set here.
        return last ?? Item(token: .endOfString, literal: "")
    }

    mutating func lex() -> Item {
        var c = read()
        while LabelSelectorParser.isWhitespace(c) { c = read() }
        if c == 0 { return Item(token: .endOfString, literal: "") }
        pos -= 1
        return LabelSelectorParser.isSpecial(c) ? scanSpecialSymbol() : scanIdentifierOrKeyword()
    }

    // MARK: Parser

    func lookahead(_ ctx: Context) -> (Token, String) {
        let it = items[position]
        return (ctx == .values && (it.token == .in || it.token == .notIn) ? .identifier : it.token, it.literal)
    }

    mutating func consume(_ ctx: Context) -> (Token, String) {
        let r = lookahead(ctx)
        position += 1
        return r
    }

    mutating func parse() throws(SelectorError) -> [LabelSelector.Requirement] {
        while true {
            let item = lex()
            items.append(item)
            if item.token == .endOfString { break }
        }
        var reqs: [LabelSelector.Requirement] = []
        while true {
            let (tok, lit) = lookahead(.values)
            switch tok {
            case .identifier, .doesNotExist:
                let r: LabelSelector.Requirement
                do {
                    r = try parseRequirement()
                } catch {
                    throw SelectorError("unable to parse requirement: " + error.message)
                }
                reqs.append(r)
                let (t, l) = consume(.values)
                switch t {
                case .endOfString:
                    return reqs
                case .comma:
                    let (t2, l2) = lookahead(.values)
                    if t2 != .identifier && t2 != .doesNotExist {
                        throw SelectorError("found '\(l2)', expected: identifier after ','")
                    }
                default:
                    throw SelectorError("found '\(l)', expected: ',' or 'end of string'")
                }
            case .endOfString:
                return reqs
            default:
                throw SelectorError("found '\(lit)', expected: !, identifier, or 'end of string'")
            }
        }
    }

    mutating func parseRequirement() throws(SelectorError) -> LabelSelector.Requirement {
        let (key, inferred) = try parseKeyAndInferOperator()
        if let inferred {
            return try LabelSelector.Requirement(key: key, operator: inferred, values: [])
        }
        let op = try parseOperator()
        let values: [String]
        switch op {
        case .in, .notIn: values = try parseValues()
        default: values = try parseExactValue()
        }
        return try LabelSelector.Requirement(key: key, operator: op, values: values)
    }

    /// The key, and `exists`/`!` when no binary operator follows (nil: one does). A leading '!'
    /// followed by an operator still yields `!` (the operator then fails at the top level).
    mutating func parseKeyAndInferOperator() throws(SelectorError) -> (String, LabelSelector.Operator?) {
        var op: LabelSelector.Operator? = nil
        var (tok, lit) = consume(.values)
        if tok == .doesNotExist {
            op = .doesNotExist
            (tok, lit) = consume(.values)
        }
        if tok != .identifier {
            throw SelectorError("found '\(lit)', expected: identifier")
        }
        let errs = NameValidation.qualifiedName(lit)
        if !errs.isEmpty {
            throw SelectorError(GoStringFormat.invalid("<nil>", renderedValue: GoStringFormat.quote(lit), errs.joined(separator: "; ")))
        }
        let (t, _) = lookahead(.values)
        if (t == .endOfString || t == .comma) && op == nil { op = .exists }
        return (lit, op)
    }

    mutating func parseOperator() throws(SelectorError) -> LabelSelector.Operator {
        let (tok, lit) = consume(.keyAndOperator)
        switch tok {
        case .in: return .in
        case .equals: return .equals
        case .doubleEquals: return .doubleEquals
        case .greaterThan: return .greaterThan
        case .lessThan: return .lessThan
        case .notIn: return .notIn
        case .notEquals: return .notEquals
        default: throw SelectorError("found '\(lit)', expected: in, notin, =, ==, !=, gt, lt")
        }
    }

    /// `( v1, v2, … )` — returned sorted and de-duplicated, as upstream's string set.
    mutating func parseValues() throws(SelectorError) -> [String] {
        let (tok, lit) = consume(.values)
        if tok != .openPar {
            throw SelectorError("found '\(lit)' expected: '('")
        }
        let (t2, l2) = lookahead(.values)
        switch t2 {
        case .identifier, .comma:
            let set = try parseIdentifiersList()
            let (t3, _) = consume(.values)
            if t3 != .closedPar { throw SelectorError("found '\(l2)', expected: ')'") }
            return set.sorted(by: LabelSelector.byteOrder)
        case .closedPar:
            _ = consume(.values)
            return [""]
        default:
            throw SelectorError("found '\(l2)', expected: ',', ')' or identifier")
        }
    }

    mutating func parseIdentifiersList() throws(SelectorError) -> Set<String> {
        var set: Set<String> = []
        while true {
            let (tok, lit) = consume(.values)
            switch tok {
            case .identifier:
                set.insert(lit)
                let (t2, l2) = lookahead(.values)
                switch t2 {
                case .comma: continue
                case .closedPar: return set
                default: throw SelectorError("found '\(l2)', expected: ',' or ')'")
                }
            case .comma:
                if set.isEmpty { set.insert("") }  // "(,"
                let (t2, _) = lookahead(.values)
                if t2 == .closedPar { set.insert(""); return set }  // ",)"
                if t2 == .comma { set.insert("") }  // ",,"
            default:
                throw SelectorError("found '\(lit)', expected: ',', or identifier")
            }
        }
    }

    mutating func parseExactValue() throws(SelectorError) -> [String] {
        let (t, _) = lookahead(.values)
        if t == .endOfString || t == .comma { return [""] }
        let (tok, lit) = consume(.values)
        if tok == .identifier { return [lit] }
        throw SelectorError("found '\(lit)', expected: identifier")
    }
}
