import Foundation
import PlinthJSON

/// Evaluates `CELExpression`s over JSON values bound to variables (`self`, `oldSelf`).
struct CELEvaluator {
    struct EvaluationError: Error, Sendable {
        var message: String
    }

    var variables: [String: CELValue]

    static func value(_ json: JSON) -> CELValue {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let a): return .list(a.map(value))
        case .object(let o): return .map(o.entries.map { (.string($0.key), value($0.value)) })
        }
    }

    func evaluate(_ e: CELExpression) throws(EvaluationError) -> CELValue {
        switch e {
        case .literal(let v): return v
        case .identifier(let name):
            guard let v = variables[name] else { throw EvaluationError(message: "undeclared reference to '\(name)'") }
            return v
        case .select(let target, let field):
            let t = try evaluate(target)
            guard case .map(let entries) = t else { throw EvaluationError(message: "type '\(t.typeName)' does not support field selection") }
            guard let v = entries.first(where: { $0.0 == .string(field) })?.1 else { throw EvaluationError(message: "no such key: \(field)") }
            return v
        case .index(let target, let index):
            let t = try evaluate(target), i = try evaluate(index)
            switch (t, i) {
            case (.list(let items), .int(let n)):
                guard n >= 0, n < items.count else { throw EvaluationError(message: "index out of bounds: \(n)") }
                return items[Int(n)]
            case (.map(let entries), _):
                guard let v = entries.first(where: { $0.0 == i })?.1 else { throw EvaluationError(message: "no such key: \(i)") }
                return v
            default: throw EvaluationError(message: "no such overload: \(t.typeName)[\(i.typeName)]")
            }
        case .unary(let op, let operand):
            let v = try evaluate(operand)
            switch (op, v) {
            case ("!", .bool(let b)): return .bool(!b)
            case ("-", .int(let i)): return .int(-i)
            case ("-", .double(let d)): return .double(-d)
            default: throw EvaluationError(message: "no such overload: \(op)\(v.typeName)")
            }
        case .binary("&&", let a, let b):
            // CEL's commutative logic: false wins over errors.
            let x = try? evaluate(a)
            if x == .bool(false) { return .bool(false) }
            let y = try evaluate(b)
            if y == .bool(false) { return .bool(false) }
            guard let x else { return try evaluate(a) }
            guard case .bool = x, case .bool = y else { throw EvaluationError(message: "no such overload: _&&_") }
            return .bool(true)
        case .binary("||", let a, let b):
            let x = try? evaluate(a)
            if x == .bool(true) { return .bool(true) }
            let y = try evaluate(b)
            if y == .bool(true) { return .bool(true) }
            guard let x else { return try evaluate(a) }
            guard case .bool = x, case .bool = y else { throw EvaluationError(message: "no such overload: _||_") }
            return .bool(false)
        case .binary(let op, let a, let b):
            return try Self.binary(op, try evaluate(a), try evaluate(b))
        case .conditional(let c, let a, let b):
            guard case .bool(let cond) = try evaluate(c) else { throw EvaluationError(message: "no such overload: _?_:_") }
            return try evaluate(cond ? a : b)
        case .list(let items):
            var out: [CELValue] = []
            for i in items { out.append(try evaluate(i)) }
            return .list(out)
        case .map(let entries):
            var out: [(CELValue, CELValue)] = []
            for (k, v) in entries { out.append((try evaluate(k), try evaluate(v))) }
            return .map(out)
        case .call(let target, let function, let arguments):
            return try call(target, function, arguments)
        }
    }

    static func binary(_ op: String, _ a: CELValue, _ b: CELValue) throws(EvaluationError) -> CELValue {
        switch op {
        case "==": return .bool(a == b)
        case "!=": return .bool(a != b)
        case "in":
            switch b {
            case .list(let items): return .bool(items.contains(a))
            case .map(let entries): return .bool(entries.contains { $0.0 == a })
            default: throw EvaluationError(message: "no such overload: _in_(\(a.typeName), \(b.typeName))")
            }
        case "<", "<=", ">", ">=":
            let c: Int
            switch (a, b) {
            case (.int(let x), .int(let y)): c = x < y ? -1 : (x > y ? 1 : 0)
            case (.string(let x), .string(let y)): c = x < y ? -1 : (x > y ? 1 : 0)
            case (.bool(let x), .bool(let y)): c = x == y ? 0 : (!x ? -1 : 1)
            default:
                guard let x = a.number, let y = b.number else { throw EvaluationError(message: "no such overload: _\(op)_(\(a.typeName), \(b.typeName))") }
                c = x < y ? -1 : (x > y ? 1 : 0)
            }
            switch op {
            case "<": return .bool(c < 0)
            case "<=": return .bool(c <= 0)
            case ">": return .bool(c > 0)
            default: return .bool(c >= 0)
            }
        case "+":
            switch (a, b) {
            case (.int(let x), .int(let y)):
                let (r, o) = x.addingReportingOverflow(y)
                if o { throw EvaluationError(message: "integer overflow") }
                return .int(r)
            case (.double(let x), .double(let y)): return .double(x + y)
            case (.string(let x), .string(let y)): return .string(x + y)
            case (.list(let x), .list(let y)): return .list(x + y)
            default: throw EvaluationError(message: "no such overload: _+_(\(a.typeName), \(b.typeName))")
            }
        case "-", "*", "/", "%":
            switch (a, b) {
            case (.int(let x), .int(let y)):
                if (op == "/" || op == "%") && y == 0 { throw EvaluationError(message: op == "/" ? "division by zero" : "modulus by zero") }
                let (r, o): (Int64, Bool)
                switch op {
                case "-": (r, o) = x.subtractingReportingOverflow(y)
                case "*": (r, o) = x.multipliedReportingOverflow(by: y)
                case "/": (r, o) = x.dividedReportingOverflow(by: y)
                default: (r, o) = x.remainderReportingOverflow(dividingBy: y)
                }
                if o { throw EvaluationError(message: "integer overflow") }
                return .int(r)
            case (.double(let x), .double(let y)) where op != "%":
                return .double(op == "-" ? x - y : op == "*" ? x * y : x / y)
            default: throw EvaluationError(message: "no such overload: _\(op)_(\(a.typeName), \(b.typeName))")
            }
        default:
            throw EvaluationError(message: "unknown operator \(op)")
        }
    }

    func call(_ target: CELExpression?, _ function: String, _ arguments: [CELExpression]) throws(EvaluationError) -> CELValue {
        // Macros: their arguments are not evaluated up front.
        if target == nil, function == "has", arguments.count == 1 {
            guard case .select(let object, let field) = arguments[0] else { throw EvaluationError(message: "invalid argument to has() macro") }
            guard case .map(let entries) = try evaluate(object) else { return .bool(false) }
            return .bool(entries.contains { $0.0 == .string(field) })
        }
        if let target, ["all", "exists", "exists_one", "map", "filter"].contains(function), arguments.count == 2,
           case .identifier(let variable) = arguments[0] {
            let collection = try evaluate(target)
            let elements: [CELValue]
            switch collection {
            case .list(let items): elements = items
            case .map(let entries): elements = entries.map(\.0)
            default: throw EvaluationError(message: "no such overload: \(collection.typeName).\(function)")
            }
            var results: [CELValue] = []
            var count = 0
            for element in elements {
                var scope = self
                scope.variables[variable] = element
                let r = try scope.evaluate(arguments[1])
                switch function {
                case "map": results.append(r)
                case "filter": if r == .bool(true) { results.append(element) }
                default:
                    guard case .bool(let ok) = r else { throw EvaluationError(message: "no matching overload for predicate") }
                    if ok { count += 1 }
                    if function == "all" && !ok { return .bool(false) }
                    if function == "exists" && ok { return .bool(true) }
                }
            }
            switch function {
            case "all": return .bool(true)
            case "exists": return .bool(false)
            case "exists_one": return .bool(count == 1)
            default: return .list(results)
            }
        }
        var args: [CELValue] = []
        if let target { args.append(try evaluate(target)) }
        for a in arguments { args.append(try evaluate(a)) }
        switch (function, args.count) {
        case ("size", 1):
            switch args[0] {
            case .string(let s): return .int(Int64(s.unicodeScalars.count))
            case .list(let l): return .int(Int64(l.count))
            case .map(let m): return .int(Int64(m.count))
            default: break
            }
        case ("startsWith", 2), ("endsWith", 2), ("contains", 2), ("matches", 2):
            if case .string(let s) = args[0], case .string(let p) = args[1] {
                switch function {
                case "startsWith": return .bool(s.hasPrefix(p))
                case "endsWith": return .bool(s.hasSuffix(p))
                case "contains": return .bool(s.contains(p))
                default:
                    guard let re = try? NSRegularExpression(pattern: p) else { throw EvaluationError(message: "invalid regular expression: \(p)") }
                    return .bool(re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil)
                }
            }
        case ("lowerAscii", 1), ("upperAscii", 1), ("trim", 1):
            if case .string(let s) = args[0] {
                if function == "trim" { return .string(s.trimmingCharacters(in: .whitespaces)) }
                return .string(function == "lowerAscii" ? s.lowercased() : s.uppercased())
            }
        case ("int", 1):
            switch args[0] {
            case .int: return args[0]
            case .double(let d) where d.isFinite && abs(d) < 9.2e18: return .int(Int64(d))
            case .string(let s): if let i = Int64(s) { return .int(i) }
            default: break
            }
        case ("double", 1):
            if let d = args[0].number { return .double(d) }
            if case .string(let s) = args[0], let d = Double(s) { return .double(d) }
        case ("string", 1):
            switch args[0] {
            case .string: return args[0]
            case .int(let i): return .string(String(i))
            case .double(let d): return .string(String(d))
            case .bool(let b): return .string(b ? "true" : "false")
            default: break
            }
        default:
            break
        }
        throw EvaluationError(message: "found no matching overload for '\(function)' applied to '(\(args.map(\.typeName).joined(separator: ", ")))'")
    }
}

extension CELValue {
    var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}
