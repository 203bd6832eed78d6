/// Decoded query parameters (`+` as space, percent-escapes), as Go's url.ParseQuery reads them.
public struct QueryParameters: Sendable {
    public private(set) var values: [String: [String]] = [:]

    public init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let k = Self.decode(kv[0])
            let v = kv.count > 1 ? Self.decode(kv[1]) : ""
            values[k, default: []].append(v)
        }
    }

    public subscript(_ key: String) -> String? { values[key]?.first }

    /// Every value of a repeated key (`command=sh&command=-c`).
    public func all(_ key: String) -> [String] { values[key] ?? [] }

    var keys: Dictionary<String, [String]>.Keys { values.keys }

    public func bool(_ key: String) -> Bool {
        guard let v = self[key] else { return false }
        return v == "true" || v == "1" || v == "True"
    }

    static func decode(_ s: Substring) -> String {
        if !s.contains("%") && !s.contains("+") { return String(s) }
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let c = bytes.popFirst() {
            if c == UInt8(ascii: "+") {
                out.append(0x20)
            } else if c == UInt8(ascii: "%"), bytes.count >= 2,
                      let h = hex(bytes[bytes.startIndex]), let l = hex(bytes[bytes.startIndex + 1]) {
                out.append(h << 4 | l)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}
