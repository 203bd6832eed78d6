/// The URL- and filename-safe base64 alphabet of RFC 4648 §5, as JOSE (RFC 7515 §2) uses it:
/// `-` and `_` in place of `+` and `/`, and no `=` padding.
enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each byte's 6-bit value, or 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// The unpadded base64url text of `bytes`.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(alphabet[Int(n >> 18 & 0x3F)])
            out.append(alphabet[Int(n >> 12 & 0x3F)])
            out.append(alphabet[Int(n >> 6 & 0x3F)])
            out.append(alphabet[Int(n & 0x3F)])
            i += 3
        }
        switch input.count - i {
        case 1:
            let n = UInt32(input[i]) << 16
            out.append(alphabet[Int(n >> 18 & 0x3F)])
            out.append(alphabet[Int(n >> 12 & 0x3F)])
        case 2:
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 0x3F)])
            out.append(alphabet[Int(n >> 12 & 0x3F)])
            out.append(alphabet[Int(n >> 6 & 0x3F)])
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `s` encodes, or nil when it is not base64url.
    ///
    /// Padding is optional, but when present it must complete the text to a multiple of four
    /// characters. Rejected: characters outside the alphabet (including standard base64's `+`
    /// and `/`, and whitespace), a length that leaves a lone character, and non-zero bits in the
    /// last character's unused low bits — so each byte string has exactly one accepted
    /// unpadded spelling, and a token cannot be re-spelt without changing its signing input.
    static func decode(_ s: some StringProtocol) -> [UInt8]? {
        var text = Array(s.utf8)
        let paddedLength = text.count
        var padding = 0
        while padding < 2, text.last == UInt8(ascii: "=") {
            text.removeLast()
            padding += 1
        }
        if padding > 0 && paddedLength % 4 != 0 { return nil }
        // A third `=`, or `=` anywhere but the end, is caught below as a character outside the alphabet.
        let remainder = text.count % 4
        if remainder == 1 { return nil }
        if padding > 0 && padding != (4 - remainder) % 4 { return nil }

        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var i = 0
        while i + 4 <= text.count {
            let a = values[Int(text[i])], b = values[Int(text[i + 1])]
            let c = values[Int(text[i + 2])], d = values[Int(text[i + 3])]
            if (a | b | c | d) == 0xFF { return nil }
            let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            out.append(UInt8(truncatingIfNeeded: n >> 16))
            out.append(UInt8(truncatingIfNeeded: n >> 8))
            out.append(UInt8(truncatingIfNeeded: n))
            i += 4
        }
        switch remainder {
        case 2:
            let a = values[Int(text[i])], b = values[Int(text[i + 1])]
            if (a | b) == 0xFF || b & 0x0F != 0 { return nil }
            out.append(a << 2 | b >> 4)
        case 3:
            let a = values[Int(text[i])], b = values[Int(text[i + 1])], c = values[Int(text[i + 2])]
            if (a | b | c) == 0xFF || c & 0x03 != 0 { return nil }
            out.append(a << 2 | b >> 4)
            out.append(b << 4 | c >> 2)
        default:
            break
        }
        return out
    }
}
