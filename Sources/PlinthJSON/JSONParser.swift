/// A syntax error in JSON input, worded as Go's encoding/json words it (clients and tests
/// compare these messages with upstream).
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { message }
}

extension JSON {
    /// Parses one JSON document. Trailing whitespace is allowed; anything else after the value is an error.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSON {
        let result: Result<JSON, JSONSyntaxError>
        if let fast = bytes.withContiguousStorageIfAvailable({ buf in parseBuffer(buf) }) {
            result = fast
        } else {
            result = Array(bytes).withUnsafeBufferPointer { parseBuffer($0) }
        }
        return try result.get()
    }

    static func parseBuffer(_ buf: UnsafeBufferPointer<UInt8>) -> Result<JSON, JSONSyntaxError> {
        var p = JSONParser(buf)
        do { return .success(try p.parseDocument()) } catch { return .failure(error) }
    }

    public static func parse(string: String) throws(JSONSyntaxError) -> JSON {
        try parse(Array(string.utf8))
    }
}

/// Recursive-descent parser over a byte buffer.
struct JSONParser {
    let buf: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0
    static let maxDepth = 1000

    init(_ buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSON {
        skipWhitespace()
        guard i < buf.count else { throw JSONSyntaxError(message: "unexpected end of JSON input", offset: i) }
        let v = try parseValue(context: "looking for beginning of value")
        skipWhitespace()
        if i < buf.count { throw invalid(buf[i], "after top-level value") }
        return v
    }

    @inline(__always) mutating func skipWhitespace() {
        while i < buf.count {
            let c = buf[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
        }
    }

    func invalid(_ c: UInt8, _ context: String) -> JSONSyntaxError {
        JSONSyntaxError(message: "invalid character \(Self.quoteChar(c)) \(context)", offset: i)
    }

    static func quoteChar(_ c: UInt8) -> String {
        switch c {
        case 0x27: return "'\\''"
        case 0x22: return "'\"'"
        case 0x0A: return "'\\n'"
        case 0x0D: return "'\\r'"
        case 0x09: return "'\\t'"
        default:
            if c < 0x20 { return "'\\x\(String(c, radix: 16, uppercase: false).leftPad(2))'" }
            return "'\(Character(Unicode.Scalar(c)))'"
        }
    }

    var eof: JSONSyntaxError { JSONSyntaxError(message: "unexpected end of JSON input", offset: i) }

    mutating func parseValue(context: String) throws(JSONSyntaxError) -> JSON {
        guard i < buf.count else { throw eof }
        switch buf[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw invalid(buf[i], context)
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for k in 0..<w.count {
            guard i < buf.count else { throw eof }
            if buf[i] != w[k] {
                throw invalid(buf[i], "in literal \(word) (expecting \(Self.quoteChar(w[k])))")
            }
            i += 1
        }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw JSONSyntaxError(message: "exceeded max depth", offset: i) }
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSON {
        try enter()
        defer { depth -= 1 }
        i += 1
        var o = JSONObject()
        skipWhitespace()
        guard i < buf.count else { throw eof }
        if buf[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
        while true {
            skipWhitespace()
            guard i < buf.count else { throw eof }
            guard buf[i] == UInt8(ascii: "\"") else { throw invalid(buf[i], "looking for beginning of object key string") }
            let key = try parseString()
            skipWhitespace()
            guard i < buf.count else { throw eof }
            guard buf[i] == UInt8(ascii: ":") else { throw invalid(buf[i], "after object key") }
            i += 1
            skipWhitespace()
            let value = try parseValue(context: "looking for beginning of value")
            // Duplicate keys: last one wins, as in Go.
            if o.index(forKey: key) != nil { o[key] = value } else { o.appendUnchecked(key, value) }
            skipWhitespace()
            guard i < buf.count else { throw eof }
            if buf[i] == UInt8(ascii: ",") { i += 1; continue }
            if buf[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            throw invalid(buf[i], "after object key:value pair")
        }
    }

    mutating func parseArray() throws(JSONSyntaxError) -> JSON {
        try enter()
        defer { depth -= 1 }
        i += 1
        var a: [JSON] = []
        skipWhitespace()
        guard i < buf.count else { throw eof }
        if buf[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
        while true {
            skipWhitespace()
            a.append(try parseValue(context: "looking for beginning of value"))
            skipWhitespace()
            guard i < buf.count else { throw eof }
            if buf[i] == UInt8(ascii: ",") { i += 1; continue }
            if buf[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            throw invalid(buf[i], "after array element")
        }
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> JSON {
        let start = i
        var isFloat = false
        if buf[i] == UInt8(ascii: "-") {
            i += 1
            guard i < buf.count else { throw eof }
            guard buf[i] >= 0x30 && buf[i] <= 0x39 else { throw invalid(buf[i], "in numeric literal") }
        }
        if buf[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < buf.count, buf[i] >= 0x30 && buf[i] <= 0x39 { i += 1 }
        }
        if i < buf.count, buf[i] == UInt8(ascii: ".") {
            isFloat = true
            i += 1
            guard i < buf.count else { throw eof }
            guard buf[i] >= 0x30 && buf[i] <= 0x39 else { throw invalid(buf[i], "after decimal point in numeric literal") }
            while i < buf.count, buf[i] >= 0x30 && buf[i] <= 0x39 { i += 1 }
        }
        if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
            isFloat = true
            i += 1
            guard i < buf.count else { throw eof }
            if buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
            guard i < buf.count else { throw eof }
            guard buf[i] >= 0x30 && buf[i] <= 0x39 else { throw invalid(buf[i], "in exponent of numeric literal") }
            while i < buf.count, buf[i] >= 0x30 && buf[i] <= 0x39 { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
        if !isFloat, let v = Int64(text) { return .int(v) }
        return .double(Double(text) ?? 0)
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes.
        while i < buf.count {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw invalid(c, "in string literal") }
            i += 1
        }
        guard i < buf.count else { throw eof }
        var out = [UInt8](UnsafeBufferPointer(rebasing: buf[start..<i]))
        while i < buf.count {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw invalid(c, "in string literal") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < buf.count else { throw eof }
            let e = buf[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // Surrogate pair.
                    if i + 1 < buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: String(Character(u)).utf8)
            default:
                i -= 1
                throw invalid(e, "in string escape code")
            }
        }
        throw eof
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < buf.count else { throw eof }
            let c = buf[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            default: throw invalid(c, "in \\u hexadecimal character escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
