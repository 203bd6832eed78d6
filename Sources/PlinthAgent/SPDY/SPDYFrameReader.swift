/// Cuts SPDY/3.1 frames out of a byte stream that arrives in pieces of any size (WebSocket
/// messages carry the stream with no regard for frame boundaries).
struct SPDYFrameReader {
    private var buffer: [UInt8] = []
    private var offset = 0

    mutating func append(_ bytes: some Collection<UInt8>) {
        if offset > 0, offset == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            offset = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, or nil until more bytes arrive; header blocks are inflated with
    /// `compression` (the peer's one zlib stream, so frames must be read in order).
    mutating func next(decompressingWith compression: SPDYHeaderCompression) throws -> SPDYFrame? {
        guard buffer.count - offset >= 8 else { return nil }
        let first = word(offset), second = word(offset + 4)
        let length = Int(second & 0x00ff_ffff)
        let flags = UInt8(second >> 24)
        guard buffer.count - offset >= 8 + length else { return nil }
        let body = Array(buffer[(offset + 8)..<(offset + 8 + length)])
        offset += 8 + length
        if offset > 1 << 16 {
            buffer.removeFirst(offset)
            offset = 0
        }
        let fin = flags & SPDYFrame.flagFin != 0
        guard first & 0x8000_0000 != 0 else {
            return .data(streamID: first & 0x7fff_ffff, fin: fin, bytes: body)
        }
        let version = UInt16(first >> 16 & 0x7fff)
        guard version == SPDYFrame.version else { throw SPDYError("unsupported SPDY version \(version)") }
        func need(_ n: Int) throws {
            guard body.count >= n else { throw SPDYError("SPDY control frame too short (\(body.count) bytes)") }
        }
        func at(_ i: Int) -> UInt32 { UInt32(body[i]) << 24 | UInt32(body[i + 1]) << 16 | UInt32(body[i + 2]) << 8 | UInt32(body[i + 3]) }
        switch SPDYFrame.ControlType(rawValue: UInt16(first & 0xffff)) {
        case .synStream:
            try need(10)
            return .synStream(streamID: at(0) & 0x7fff_ffff, associatedTo: at(4) & 0x7fff_ffff, priority: body[8] >> 5, fin: fin,
                              unidirectional: flags & SPDYFrame.flagUnidirectional != 0,
                              headers: try compression.decompress(Array(body[10...])))
        case .synReply:
            try need(4)
            return .synReply(streamID: at(0) & 0x7fff_ffff, fin: fin, headers: try compression.decompress(Array(body[4...])))
        case .rstStream:
            try need(8)
            return .rstStream(streamID: at(0) & 0x7fff_ffff, status: .init(code: at(4)))
        case .settings:
            try need(4)
            let count = Int(at(0))
            try need(4 + 8 * count)
            return .settings((0..<count).map { i in
                let head = at(4 + 8 * i)
                return SPDYFrame.Setting(flags: UInt8(head >> 24), id: head & 0x00ff_ffff, value: at(8 + 8 * i))
            })
        case .ping:
            try need(4)
            return .ping(id: at(0))
        case .goAway:
            try need(4)
            return .goAway(lastGoodStreamID: at(0) & 0x7fff_ffff, status: body.count >= 8 ? at(4) : 0)
        case .headers:
            try need(4)
            return .headers(streamID: at(0) & 0x7fff_ffff, fin: fin, headers: try compression.decompress(Array(body[4...])))
        case .windowUpdate:
            try need(8)
            return .windowUpdate(streamID: at(0) & 0x7fff_ffff, delta: at(4) & 0x7fff_ffff)
        case .noop, nil:
            return .unknown(type: UInt16(first & 0xffff))
        }
    }

    private func word(_ i: Int) -> UInt32 {
        UInt32(buffer[i]) << 24 | UInt32(buffer[i + 1]) << 16 | UInt32(buffer[i + 2]) << 8 | UInt32(buffer[i + 3])
    }
}
