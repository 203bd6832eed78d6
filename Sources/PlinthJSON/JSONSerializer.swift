extension JSON {
    /// Appends the compact JSON text of this value to `out`.
    public func serialize(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): if b { out.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
        case .int(let v): JSON.appendInt(v, into: &out)
        case .double(let d): JSON.appendDouble(d, into: &out)
        case .string(let s): JSON.appendString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            var first = true
            for v in a {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                v.serialize(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for e in o.entries {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSON.appendString(e.key, into: &out)
                out.append(UInt8(ascii: ":"))
                e.value.serialize(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        serialize(into: &out)
        return out
    }

    public func serializedString() -> String { String(decoding: serialized(), as: UTF8.self) }

    /// Indented output (two spaces), for humans and for tests.
    public func prettyString(indent: String = "") -> String {
        switch self {
        case .array(let a) where !a.isEmpty:
            let inner = indent + "  "
            return "[\n" + a.map { inner + $0.prettyString(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let o) where !o.isEmpty:
            let inner = indent + "  "
            return "{\n" + o.entries.map { e -> String in
                var k: [UInt8] = []
                JSON.appendString(e.key, into: &k)
                return inner + String(decoding: k, as: UTF8.self) + ": " + e.value.prettyString(indent: inner)
            }.joined(separator: ",\n") + "\n\(indent)}"
        default:
            return serializedString()
        }
    }

    static func appendInt(_ v: Int64, into out: inout [UInt8]) {
        if v == 0 { out.append(0x30); return }
        var n = v.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var len = 0
        withUnsafeMutableBytes(of: &tmp) { p in
            while n > 0 {
                p[19 - len] = UInt8(n % 10) + 0x30
                n /= 10
                len += 1
            }
            if v < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: p[(20 - len)...])
        }
    }

    static func appendDouble(_ d: Double, into out: inout [UInt8]) {
        if !d.isFinite { out.append(contentsOf: "null".utf8); return }
        if d == d.rounded(), abs(d) < 1e15 {
            appendInt(Int64(d), into: &out)
            return
        }
        out.append(contentsOf: d.description.utf8)
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            var k = 0
            while k < u.count {
                let c = u[k]
                if c >= 0x20 && c != 0x22 && c != 0x5C && c != 0x3C && c != 0x3E && c != 0x26 {
                    k += 1
                    continue
                }
                if runStart < k { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<k])) }
                switch c {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                default:
                    // Control characters, and < > & escaped as Go's encoder does.
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                    out.append(hexDigits[Int(c >> 4)])
                    out.append(hexDigits[Int(c & 0xF)])
                }
                k += 1
                runStart = k
            }
            if runStart < u.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<u.count])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
