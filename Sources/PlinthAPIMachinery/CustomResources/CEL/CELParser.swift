/// Parses the CEL subset in `CELExpression`, with CEL's precedence: `?:`, `||`, `&&`,
/// relations (`== != < <= > >= in`), `+ -`, `* / %`, unary `! -`, then member access, indexing
/// and calls.
struct CELParser {
    struct SyntaxError: Error, Sendable {
        var message: String
    }

    enum Token: Equatable {
        case identifier(String)
        case int(Int64)
        case double(Double)
        case string(String)
        case symbol(String)
        case end
    }

    private var tokens: [Token] = []
    private var position = 0

    static func parse(_ source: String) throws(SyntaxError) -> CELExpression {
        var p = CELParser()
        p.tokens = try tokenize(source)
        let e = try p.conditional()
        guard p.peek == .end else { throw SyntaxError(message: "Syntax error: unexpected \(p.peek)") }
        return e
    }

    static func tokenize(_ source: String) throws(SyntaxError) -> [Token] {
        let chars = Array(source.unicodeScalars)
        var out: [Token] = []
        var i = 0
        let symbols3 = ["..."], symbols2 = ["==", "!=", "<=", ">=", "&&", "||"]
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\n" || c == "\t" || c == "\r" { i += 1; continue }
            if CELLexicon.identStart(c) {
                var s = ""
                while i < chars.count, CELLexicon.identStart(chars[i]) || ("0"..."9").contains(chars[i]) { s.unicodeScalars.append(chars[i]); i += 1 }
                out.append(.identifier(s))
                continue
            }
            if ("0"..."9").contains(c) {
                var s = ""
                var isDouble = false
                while i < chars.count, ("0"..."9").contains(chars[i]) || chars[i] == "." || chars[i] == "e" {
                    if chars[i] == "." {
                        guard i + 1 < chars.count, ("0"..."9").contains(chars[i + 1]) else { break }
                        isDouble = true
                    }
                    if chars[i] == "e" { isDouble = true }
                    s.unicodeScalars.append(chars[i]); i += 1
                }
                if i < chars.count, chars[i] == "u" { i += 1 }
                if isDouble { out.append(.double(Double(s) ?? 0)) } else {
                    guard let v = Int64(s) else { throw SyntaxError(message: "invalid int literal \(s)") }
                    out.append(.int(v))
                }
                continue
            }
            if c == "\"" || c == "'" {
                var s = ""
                i += 1
                while i < chars.count, chars[i] != c {
                    if chars[i] == "\\", i + 1 < chars.count {
                        i += 1
                        switch chars[i] {
                        case "n": s += "\n"
                        case "t": s += "\t"
                        default: s.unicodeScalars.append(chars[i])
                        }
                    } else {
                        s.unicodeScalars.append(chars[i])
                    }
                    i += 1
                }
                guard i < chars.count else { throw SyntaxError(message: "Syntax error: unterminated string") }
                i += 1
                out.append(.string(s))
                continue
            }
            let rest = String(String.UnicodeScalarView(chars[i..<min(i + 3, chars.count)]))
            if let s = (symbols3 + symbols2).first(where: { rest.hasPrefix($0) }) {
                out.append(.symbol(s))
                i += s.count
                continue
            }
            if "+-*/%!<>?:.,()[]{}".unicodeScalars.contains(c) {
                out.append(.symbol(String(c)))
                i += 1
                continue
            }
            throw SyntaxError(message: "Syntax error: token recognition error at: '\(c)'")
        }
        out.append(.end)
        return out
    }

    var peek: Token { tokens[position] }

    mutating func next() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    mutating func accept(_ symbol: String) -> Bool {
        if peek == .symbol(symbol) { position += 1; return true }
        return false
    }

    mutating func expect(_ symbol: String) throws(SyntaxError) {
        guard accept(symbol) else { throw SyntaxError(message: "Syntax error: expected '\(symbol)'") }
    }

    mutating func conditional() throws(SyntaxError) -> CELExpression {
        let c = try or()
        if accept("?") {
            let a = try conditional()
            try expect(":")
            let b = try conditional()
            return .conditional(c, a, b)
        }
        return c
    }

    mutating func or() throws(SyntaxError) -> CELExpression {
        var e = try and()
        while accept("||") { e = .binary("||", e, try and()) }
        return e
    }

    mutating func and() throws(SyntaxError) -> CELExpression {
        var e = try relation()
        while accept("&&") { e = .binary("&&", e, try relation()) }
        return e
    }

    mutating func relation() throws(SyntaxError) -> CELExpression {
        var e = try addition()
        while true {
            if case .symbol(let s) = peek, ["==", "!=", "<", "<=", ">", ">="].contains(s) {
                _ = next()
                e = .binary(s, e, try addition())
            } else if peek == .identifier("in") {
                _ = next()
                e = .binary("in", e, try addition())
            } else {
                return e
            }
        }
    }

    mutating func addition() throws(SyntaxError) -> CELExpression {
        var e = try multiplication()
        while case .symbol(let s) = peek, s == "+" || s == "-" {
            _ = next()
            e = .binary(s, e, try multiplication())
        }
        return e
    }

    mutating func multiplication() throws(SyntaxError) -> CELExpression {
        var e = try unary()
        while case .symbol(let s) = peek, s == "*" || s == "/" || s == "%" {
            _ = next()
            e = .binary(s, e, try unary())
        }
        return e
    }

    mutating func unary() throws(SyntaxError) -> CELExpression {
        if accept("!") { return .unary("!", try unary()) }
        if accept("-") { return .unary("-", try unary()) }
        return try member()
    }

    mutating func member() throws(SyntaxError) -> CELExpression {
        var e = try primary()
        while true {
            if accept(".") {
                guard case .identifier(let name) = next() else { throw SyntaxError(message: "Syntax error: expected a field name") }
                if accept("(") {
                    e = .call(target: e, function: name, arguments: try arguments())
                } else {
                    e = .select(e, name)
                }
            } else if accept("[") {
                let i = try conditional()
                try expect("]")
                e = .index(e, i)
            } else {
                return e
            }
        }
    }

    mutating func arguments() throws(SyntaxError) -> [CELExpression] {
        var args: [CELExpression] = []
        if accept(")") { return args }
        repeat { args.append(try conditional()) } while accept(",")
        try expect(")")
        return args
    }

    mutating func primary() throws(SyntaxError) -> CELExpression {
        switch next() {
        case .int(let v): return .literal(.int(v))
        case .double(let v): return .literal(.double(v))
        case .string(let s): return .literal(.string(s))
        case .identifier("true"): return .literal(.bool(true))
        case .identifier("false"): return .literal(.bool(false))
        case .identifier("null"): return .literal(.null)
        case .identifier(let name):
            if accept("(") { return .call(target: nil, function: name, arguments: try arguments()) }
            return .identifier(name)
        case .symbol("("):
            let e = try conditional()
            try expect(")")
            return e
        case .symbol("["):
            var items: [CELExpression] = []
            if !accept("]") {
                repeat { items.append(try conditional()) } while accept(",")
                try expect("]")
            }
            return .list(items)
        case .symbol("{"):
            var entries: [(CELExpression, CELExpression)] = []
            if !accept("}") {
                repeat {
                    let k = try conditional()
                    try expect(":")
                    entries.append((k, try conditional()))
                } while accept(",")
                try expect("}")
            }
            return .map(entries)
        case let t:
            throw SyntaxError(message: "Syntax error: unexpected \(t)")
        }
    }
}

enum CELLexicon {
    static func identStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
    }
}
