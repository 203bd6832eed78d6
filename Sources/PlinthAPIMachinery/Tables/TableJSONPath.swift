import PlinthJSON

/// The JSONPath subset that CRD printer columns use, evaluated as client-go's jsonpath does
/// with missing keys allowed: `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[1:3]`, `[*]`, `.*`, `..name`
/// and filters such as `[?(@.type=="Ready")]`. A leading `$` and surrounding `{}` are accepted.
struct TableJSONPath: Sendable {
    enum Step: Sendable {
        case field(String)
        case wildcard
        case index(Int)
        case slice(start: Int?, end: Int?, step: Int?)
        case recursive(String?)  // `..name`, or `..*` / `..[…]` as nil
        case filter(Filter)
    }

    struct Filter: Sendable {
        var left: TableJSONPath
        var op: String  // "==", "!=", "<", ">", "<=", ">=", or "exists"
        var right: Operand
    }

    enum Operand: Sendable {
        case literal(JSON)
        case path(TableJSONPath)
        case none
    }

    var steps: [Step]

    init(steps: [Step]) { self.steps = steps }

    /// Nil when the expression cannot be parsed.
    init?(_ text: String) {
        var t = Substring(text.tableTrimmed())
        if t.hasPrefix("{") && t.hasSuffix("}") { t = t.dropFirst().dropLast() }
        guard let steps = TableJSONPath.parse(Array(t.unicodeScalars)) else { return nil }
        self.steps = steps
    }

    // MARK: Parsing

    static func parse(_ s: [Unicode.Scalar]) -> [Step]? {
        var steps: [Step] = []
        var i = 0
        if i < s.count, s[i] == "$" || s[i] == "@" { i += 1 }
        while i < s.count {
            let c = s[i]
            if c == " " { i += 1; continue }
            if c == "." {
                if i + 1 < s.count, s[i + 1] == "." {
                    i += 2
                    if i < s.count, s[i] == "[" || s[i] == "*" {
                        if s[i] == "*" { i += 1 }
                        steps.append(.recursive(nil))
                        continue
                    }
                    let (name, next) = identifier(s, i)
                    guard !name.isEmpty else { return nil }
                    steps.append(.recursive(name))
                    i = next
                    continue
                }
                i += 1
                if i < s.count, s[i] == "*" { steps.append(.wildcard); i += 1; continue }
                let (name, next) = identifier(s, i)
                if name.isEmpty {
                    // A lone "." is the current object.
                    if next >= s.count { break }
                    if s[next] == "[" { continue }
                    return nil
                }
                steps.append(.field(name))
                i = next
            } else if c == "[" {
                guard let close = matchingBracket(s, i) else { return nil }
                guard let step = bracket(Array(s[(i + 1)..<close])) else { return nil }
                steps.append(step)
                i = close + 1
            } else {
                // Lenient: a bare identifier is a field.
                let (name, next) = identifier(s, i)
                guard !name.isEmpty else { return nil }
                steps.append(.field(name))
                i = next
            }
        }
        return steps
    }

    /// A field name up to the next unescaped `.` or `[`; `\.` stands for a dot.
    static func identifier(_ s: [Unicode.Scalar], _ start: Int) -> (String, Int) {
        var out = String.UnicodeScalarView()
        var i = start
        while i < s.count {
            let c = s[i]
            if c == "\\", i + 1 < s.count { out.append(s[i + 1]); i += 2; continue }
            if c == "." || c == "[" || c == " " { break }
            out.append(c)
            i += 1
        }
        return (String(out), i)
    }

    static func matchingBracket(_ s: [Unicode.Scalar], _ open: Int) -> Int? {
        var depth = 0
        var quote: Unicode.Scalar? = nil
        var i = open
        while i < s.count {
            let c = s[i]
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "[" {
                depth += 1
            } else if c == "]" {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    static func bracket(_ inner: [Unicode.Scalar]) -> Step? {
        let text = String(String.UnicodeScalarView(inner)).tableTrimmed()
        if text == "*" { return .wildcard }
        if let q = text.unicodeScalars.first, q == "'" || q == "\"" {
            guard let lit = quoted(text), lit.rest.tableTrimmed().isEmpty else { return nil }
            return .field(lit.value)
        }
        if text.hasPrefix("?(") && text.hasSuffix(")") {
            return filter(String(text.dropFirst(2).dropLast()))
        }
        if text.contains(":") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.tableTrimmed() }
            guard parts.count <= 3 else { return nil }
            func num(_ k: Int) -> Int?? {
                guard k < parts.count, !parts[k].isEmpty else { return .some(nil) }
                guard let v = Int(parts[k]) else { return nil }
                return .some(v)
            }
            guard let a = num(0), let b = num(1), let c = num(2) else { return nil }
            return .slice(start: a, end: b, step: c)
        }
        if let n = Int(text) { return .index(n) }
        return nil
    }

    /// A quoted string at the start of `text` and what follows it.
    static func quoted(_ text: String) -> (value: String, rest: String)? {
        let u = Array(text.unicodeScalars)
        guard let q = u.first, q == "'" || q == "\"" else { return nil }
        var out = String.UnicodeScalarView()
        var i = 1
        while i < u.count {
            if u[i] == "\\", i + 1 < u.count { out.append(u[i + 1]); i += 2; continue }
            if u[i] == q { return (String(out), String(String.UnicodeScalarView(u[(i + 1)...]))) }
            out.append(u[i])
            i += 1
        }
        return nil
    }

    static func filter(_ text: String) -> Step? {
        let u = Array(text.unicodeScalars)
        // Find the comparison operator outside quotes.
        var quote: Unicode.Scalar? = nil
        var i = 0
        var opRange: (Int, Int)? = nil
        while i < u.count {
            let c = u[i]
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "=" || c == "!" || c == "<" || c == ">" {
                if i + 1 < u.count, u[i + 1] == "=" { opRange = (i, i + 2) } else if c != "!" && c != "=" { opRange = (i, i + 1) }
                if opRange != nil { break }
            }
            i += 1
        }
        func operand(_ part: String) -> Operand? {
            let p = part.tableTrimmed()
            if p.isEmpty { return nil }
            if p.hasPrefix("@") || p.hasPrefix("$") {
                guard let steps = parse(Array(p.unicodeScalars)) else { return nil }
                return .path(TableJSONPath(steps: steps))
            }
            if let q = quoted(p), q.rest.tableTrimmed().isEmpty { return .literal(.string(q.value)) }
            if p == "true" { return .literal(.bool(true)) }
            if p == "false" { return .literal(.bool(false)) }
            if p == "nil" || p == "null" { return .literal(.null) }
            if let n = Int64(p) { return .literal(.int(n)) }
            if let d = Double(p) { return .literal(.double(d)) }
            return nil
        }
        guard let (a, b) = opRange else {
            guard case .path(let left)? = operand(text) else { return nil }
            return .filter(Filter(left: left, op: "exists", right: .none))
        }
        let op = String(String.UnicodeScalarView(u[a..<b]))
        guard case .path(let left)? = operand(String(String.UnicodeScalarView(u[..<a]))),
              let right = operand(String(String.UnicodeScalarView(u[b...])))
        else { return nil }
        return .filter(Filter(left: left, op: op, right: right))
    }

    // MARK: Evaluation

    /// All values the path reaches, in document order; empty when nothing matches.
    func evaluate(_ root: JSON) -> [JSON] {
        var current = [root]
        for step in steps {
            var next: [JSON] = []
            for v in current { TableJSONPath.apply(step, to: v, into: &next) }
            current = next
            if current.isEmpty { break }
        }
        return current
    }

    static func apply(_ step: Step, to v: JSON, into out: inout [JSON]) {
        switch step {
        case .field(let name):
            if let x = v[name] { out.append(x) }
        case .wildcard:
            switch v {
            case .array(let a): out.append(contentsOf: a)
            case .object(let o): for e in o.entries { out.append(e.value) }
            default: break
            }
        case .index(let n):
            guard case .array(let a) = v else { return }
            let k = n < 0 ? a.count + n : n
            if k >= 0 && k < a.count { out.append(a[k]) }
        case .slice(let start, let end, let step):
            guard case .array(let a) = v else { return }
            let n = a.count
            func clamp(_ x: Int) -> Int { let y = x < 0 ? n + x : x; return min(max(y, 0), n) }
            let s = clamp(start ?? 0)
            let e = clamp(end ?? n)
            let st = max(step ?? 1, 1)
            var k = s
            while k < e { out.append(a[k]); k += st }
        case .recursive(let name):
            collect(v, name: name, into: &out)
        case .filter(let f):
            let items: [JSON]
            switch v {
            case .array(let a): items = a
            case .object(let o): items = o.entries.map(\.value)
            default: items = []
            }
            for item in items where f.matches(item) { out.append(item) }
        }
    }

    static func collect(_ v: JSON, name: String?, into out: inout [JSON]) {
        switch v {
        case .object(let o):
            if let name {
                if let x = o[name] { out.append(x) }
            } else {
                out.append(v)
            }
            for e in o.entries { collect(e.value, name: name, into: &out) }
        case .array(let a):
            if name == nil { out.append(v) }
            for x in a { collect(x, name: name, into: &out) }
        default:
            break
        }
    }

    /// Compact JSON as Go's encoding/json writes a decoded value: object keys sorted.
    static func goJSON(_ v: JSON) -> String { sortedKeys(v).serializedString() }

    static func sortedKeys(_ v: JSON) -> JSON {
        switch v {
        case .object(let o):
            let entries = o.entries
                .sorted { TableCells.goLess($0.key, $1.key) }
                .map { JSONObject.Entry(key: $0.key, value: sortedKeys($0.value)) }
            return .object(JSONObject(entries: entries))
        case .array(let a):
            return .array(a.map(sortedKeys))
        default:
            return v
        }
    }
}

extension TableJSONPath.Filter {
    func matches(_ item: JSON) -> Bool {
        let lefts = left.evaluate(item)
        if op == "exists" { return !lefts.isEmpty }
        guard let l = lefts.first else { return false }
        let r: JSON
        switch right {
        case .literal(let x): r = x
        case .path(let p):
            guard let x = p.evaluate(item).first else { return false }
            r = x
        case .none: return false
        }
        switch op {
        case "==": return Self.compare(l, r) == 0
        case "!=": return Self.compare(l, r).map { $0 != 0 } ?? true
        case "<": return Self.compare(l, r).map { $0 < 0 } ?? false
        case ">": return Self.compare(l, r).map { $0 > 0 } ?? false
        case "<=": return Self.compare(l, r).map { $0 <= 0 } ?? false
        case ">=": return Self.compare(l, r).map { $0 >= 0 } ?? false
        default: return false
        }
    }

    /// -1, 0, 1, or nil for values of different kinds.
    static func compare(_ a: JSON, _ b: JSON) -> Int? {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y ? 0 : (TableCells.goLess(x, y) ? -1 : 1)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.null, .null): return 0
        default:
            guard let x = a.doubleValue, let y = b.doubleValue else { return nil }
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (no Foundation needed).
    func tableTrimmed() -> String {
        var u = Substring(self)
        while let f = u.first, f == " " || f == "\t" || f == "\n" { u = u.dropFirst() }
        while let l = u.last, l == " " || l == "\t" || l == "\n" { u = u.dropLast() }
        return String(u)
    }
}
