import CHost

/// One direction's header compression in a SPDY/3 connection: a single zlib stream, primed
/// with the protocol's dictionary, that every header block of that direction continues (each
/// block ends on a sync flush). A connection has one for what it reads and one for what it writes.
final class SPDYHeaderCompression {
    private var inflater = z_stream()
    private var deflater = z_stream()
    private var inflating = false
    private var deflating = false
    /// Decoded header blocks larger than this are refused (upstream's limit is of this order).
    static let maxHeaderBlock = 1 << 20

    init() {}

    deinit {
        if inflating { inflateEnd(&inflater) }
        if deflating { deflateEnd(&deflater) }
    }

    /// The name/value pairs of a compressed header block.
    func decompress(_ compressed: [UInt8]) throws -> SPDYHeaders {
        if !inflating {
            guard plinth_inflate_init_zlib(&inflater) == Z_OK else { throw SPDYError("cannot start header decompression") }
            inflating = true
        }
        var plain: [UInt8] = []
        guard !compressed.isEmpty else { return try Self.decode(plain) }
        var input = compressed
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        try input.withUnsafeMutableBufferPointer { inBuf in
            inflater.next_in = inBuf.baseAddress
            inflater.avail_in = UInt32(inBuf.count)
            while true {
                let (code, produced) = chunk.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    inflater.next_out = outBuf.baseAddress
                    inflater.avail_out = UInt32(outBuf.count)
                    var code = inflate(&inflater, Z_SYNC_FLUSH)
                    if code == Z_NEED_DICT {
                        code = SPDYDictionary.bytes.withUnsafeBufferPointer {
                            inflateSetDictionary(&inflater, $0.baseAddress, UInt32($0.count))
                        }
                        if code == Z_OK { code = inflate(&inflater, Z_SYNC_FLUSH) }
                    }
                    return (code, outBuf.count - Int(inflater.avail_out))
                }
                plain += chunk[0..<produced]
                guard plain.count <= Self.maxHeaderBlock else { throw SPDYError("SPDY header block too large") }
                switch code {
                case Z_OK, Z_BUF_ERROR: break
                default: throw SPDYError("corrupt SPDY header block (zlib error \(code))")
                }
                if inflater.avail_in == 0 && produced < chunk.count { break }
                if code == Z_BUF_ERROR && produced == 0 { break }
            }
        }
        return try Self.decode(plain)
    }

    /// A header block compressed onto this direction's stream.
    func compress(_ headers: SPDYHeaders) throws -> [UInt8] {
        if !deflating {
            guard plinth_deflate_init(&deflater, Z_DEFAULT_COMPRESSION) == Z_OK else { throw SPDYError("cannot start header compression") }
            let set = SPDYDictionary.bytes.withUnsafeBufferPointer { deflateSetDictionary(&deflater, $0.baseAddress, UInt32($0.count)) }
            guard set == Z_OK else { throw SPDYError("cannot prime header compression") }
            deflating = true
        }
        var input = Self.encode(headers)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4 << 10)
        input.withUnsafeMutableBufferPointer { inBuf in
            deflater.next_in = inBuf.baseAddress
            deflater.avail_in = UInt32(inBuf.count)
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { outBuf -> Int in
                    deflater.next_out = outBuf.baseAddress
                    deflater.avail_out = UInt32(outBuf.count)
                    _ = deflate(&deflater, Z_SYNC_FLUSH)
                    return outBuf.count - Int(deflater.avail_out)
                }
                out += chunk[0..<produced]
            } while deflater.avail_out == 0
        }
        return out
    }

    /// The uncompressed block: a 32-bit count, then each name and value with a 32-bit length.
    static func encode(_ headers: SPDYHeaders) -> [UInt8] {
        var out: [UInt8] = []
        out.append32(UInt32(headers.fields.count))
        for (name, value) in headers.fields {
            let n = Array(name.lowercased().utf8), v = Array(value.utf8)
            out.append32(UInt32(n.count)); out += n
            out.append32(UInt32(v.count)); out += v
        }
        return out
    }

    static func decode(_ block: [UInt8]) throws -> SPDYHeaders {
        var i = 0
        func u32() throws -> Int {
            guard i + 4 <= block.count else { throw SPDYError("truncated SPDY header block") }
            defer { i += 4 }
            return Int(block[i]) << 24 | Int(block[i + 1]) << 16 | Int(block[i + 2]) << 8 | Int(block[i + 3])
        }
        func string() throws -> String {
            let n = try u32()
            guard n <= block.count - i else { throw SPDYError("truncated SPDY header block") }
            defer { i += n }
            return String(decoding: block[i..<(i + n)], as: UTF8.self)
        }
        guard !block.isEmpty else { return SPDYHeaders() }
        let count = try u32()
        var fields: [(name: String, value: String)] = []
        for _ in 0..<count {
            let name = try string()
            fields.append((name.lowercased(), try string()))
        }
        return SPDYHeaders(fields)
    }
}
