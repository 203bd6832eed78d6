/// One SPDY/3.1 frame, the framing `kubectl port-forward` speaks (inside a WebSocket or on an
/// upgraded connection). Header blocks are carried decoded; `SPDYHeaderCompression` turns them
/// into and out of the zlib stream the wire holds.
enum SPDYFrame: Equatable, Sendable {
    case data(streamID: UInt32, fin: Bool, bytes: [UInt8])
    case synStream(streamID: UInt32, associatedTo: UInt32, priority: UInt8, fin: Bool, unidirectional: Bool, headers: SPDYHeaders)
    case synReply(streamID: UInt32, fin: Bool, headers: SPDYHeaders)
    case rstStream(streamID: UInt32, status: RstStatus)
    case settings([Setting])
    case ping(id: UInt32)
    case goAway(lastGoodStreamID: UInt32, status: UInt32)
    case headers(streamID: UInt32, fin: Bool, headers: SPDYHeaders)
    case windowUpdate(streamID: UInt32, delta: UInt32)
    /// A control frame of a type SPDY/3.1 does not define (receivers ignore these).
    case unknown(type: UInt16)

    struct Setting: Equatable, Sendable {
        var flags: UInt8
        var id: UInt32
        var value: UInt32
    }

    /// RST_STREAM status codes.
    enum RstStatus: Equatable, Sendable {
        case protocolError, invalidStream, refusedStream, cancel, internalError, streamInUse, streamAlreadyClosed
        case other(UInt32)

        init(code: UInt32) {
            switch code {
            case 1: self = .protocolError
            case 2: self = .invalidStream
            case 3: self = .refusedStream
            case 5: self = .cancel
            case 6: self = .internalError
            case 8: self = .streamInUse
            case 9: self = .streamAlreadyClosed
            default: self = .other(code)
            }
        }

        var code: UInt32 {
            switch self {
            case .protocolError: 1
            case .invalidStream: 2
            case .refusedStream: 3
            case .cancel: 5
            case .internalError: 6
            case .streamInUse: 8
            case .streamAlreadyClosed: 9
            case .other(let c): c
            }
        }
    }

    static let version: UInt16 = 3
    static let flagFin: UInt8 = 0x01
    static let flagUnidirectional: UInt8 = 0x02

    enum ControlType: UInt16 {
        case synStream = 1, synReply, rstStream, settings, noop, ping, goAway, headers, windowUpdate
    }

    /// The frame's bytes; header blocks go through `compression` (the writing direction's one
    /// stream, so frames with headers must be encoded in the order they are sent).
    func encoded(with compression: SPDYHeaderCompression? = nil) throws -> [UInt8] {
        var out: [UInt8] = []
        func control(_ type: ControlType, flags: UInt8 = 0, _ body: [UInt8]) {
            out.append32(0x8000_0000 | UInt32(Self.version) << 16 | UInt32(type.rawValue))
            out.append32(UInt32(flags) << 24 | UInt32(body.count))
            out += body
        }
        switch self {
        case .data(let id, let fin, let bytes):
            out.append32(id & 0x7fff_ffff)
            out.append32(UInt32(fin ? Self.flagFin : 0) << 24 | UInt32(bytes.count))
            out += bytes
        case .synStream(let id, let associated, let priority, let fin, let unidirectional, let headers):
            var body: [UInt8] = []
            body.append32(id & 0x7fff_ffff)
            body.append32(associated & 0x7fff_ffff)
            body += [priority << 5, 0]
            body += try Self.compressed(headers, compression)
            control(.synStream, flags: (fin ? Self.flagFin : 0) | (unidirectional ? Self.flagUnidirectional : 0), body)
        case .synReply(let id, let fin, let headers):
            var body: [UInt8] = []
            body.append32(id & 0x7fff_ffff)
            body += try Self.compressed(headers, compression)
            control(.synReply, flags: fin ? Self.flagFin : 0, body)
        case .rstStream(let id, let status):
            var body: [UInt8] = []
            body.append32(id & 0x7fff_ffff)
            body.append32(status.code)
            control(.rstStream, body)
        case .settings(let settings):
            var body: [UInt8] = []
            body.append32(UInt32(settings.count))
            for s in settings {
                body.append32(UInt32(s.flags) << 24 | (s.id & 0x00ff_ffff))
                body.append32(s.value)
            }
            control(.settings, body)
        case .ping(let id):
            var body: [UInt8] = []
            body.append32(id)
            control(.ping, body)
        case .goAway(let last, let status):
            var body: [UInt8] = []
            body.append32(last & 0x7fff_ffff)
            body.append32(status)
            control(.goAway, body)
        case .headers(let id, let fin, let headers):
            var body: [UInt8] = []
            body.append32(id & 0x7fff_ffff)
            body += try Self.compressed(headers, compression)
            control(.headers, flags: fin ? Self.flagFin : 0, body)
        case .windowUpdate(let id, let delta):
            var body: [UInt8] = []
            body.append32(id & 0x7fff_ffff)
            body.append32(delta & 0x7fff_ffff)
            control(.windowUpdate, body)
        case .unknown:
            throw SPDYError("cannot write a frame of unknown type")
        }
        return out
    }

    private static func compressed(_ headers: SPDYHeaders, _ compression: SPDYHeaderCompression?) throws -> [UInt8] {
        guard let compression else { throw SPDYError("a frame with headers needs its connection's header compression") }
        return try compression.compress(headers)
    }
}

/// A SPDY header block: names (lower-case) with their values; a name's several values travel
/// joined by NUL bytes.
struct SPDYHeaders: Equatable, Sendable {
    var fields: [(name: String, value: String)] = []

    init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    subscript(name: String) -> String? {
        fields.first { $0.name == name.lowercased() }?.value
    }

    static func == (a: SPDYHeaders, b: SPDYHeaders) -> Bool {
        a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }
}

struct SPDYError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Array where Element == UInt8 {
    mutating func append32(_ v: UInt32) {
        append(UInt8(v >> 24)); append(UInt8(v >> 16 & 0xff)); append(UInt8(v >> 8 & 0xff)); append(UInt8(v & 0xff))
    }
}
