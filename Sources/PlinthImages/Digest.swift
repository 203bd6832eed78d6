import Crypto

/// A `sha256:<hex>` content digest, computed incrementally over a stream.
struct DigestHasher {
    private var hasher = SHA256()

    mutating func update(_ bytes: [UInt8]) { hasher.update(data: bytes) }

    mutating func update(_ bytes: ArraySlice<UInt8>) { bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }

    func finish() -> String {
        let digits = Array("0123456789abcdef")
        var hex = ""
        for byte in hasher.finalize() { hex.append(digits[Int(byte >> 4)]); hex.append(digits[Int(byte & 0xf)]) }
        return "sha256:" + hex
    }

    static func digest(_ bytes: [UInt8]) -> String {
        var h = DigestHasher()
        h.update(bytes)
        return h.finish()
    }

    /// The hex part of a valid `sha256:` digest, or nil: digests name files, so nothing else may pass.
    static func hex(_ digest: String) -> String? {
        guard digest.hasPrefix("sha256:") else { return nil }
        let hex = digest.dropFirst(7)
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return String(hex)
    }
}
