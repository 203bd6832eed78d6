/// One member of a tar stream, with the PAX and GNU long-name extensions applied.
struct TarEntry {
    enum Kind { case file, hardLink, symlink, charDevice, blockDevice, directory, fifo, other }
    var path: String
    var kind: Kind
    var mode: UInt32
    var uid: UInt32
    var gid: UInt32
    var size: Int64
    var linkTarget: String
    var major: UInt32
    var minor: UInt32
    var xattrs: [String: [UInt8]]
}

/// What a `TarReader` hands its entries to: each entry, then its content in pieces, then its end.
protocol TarSink: AnyObject {
    func begin(_ entry: TarEntry) throws
    func content(_ bytes: ArraySlice<UInt8>) throws
    func end() throws
}

/// A push parser for tar streams (ustar, PAX `x`/`g` headers, GNU `L`/`K` long names, base-256
/// numbers): feed it bytes in any chunking; it calls the sink as entries complete.
final class TarReader {
    private let sink: TarSink
    private var buffer: [UInt8] = []
    /// Content bytes still to pass on for the current entry, then padding to skip.
    private var remaining: Int64 = 0
    private var padding: Int = 0
    private var inEntry = false
    /// Content of a metadata entry (PAX or GNU long name) being collected.
    private var collecting: (kind: UInt8, data: [UInt8])?
    private var pax: [String: String] = [:]
    private var paxXattrs: [String: [UInt8]] = [:]
    private var longName: String?
    private var longLink: String?
    private(set) var ended = false

    init(sink: TarSink) { self.sink = sink }

    func feed(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        var offset = 0
        defer { buffer.removeFirst(offset) }
        while !ended {
            if remaining > 0 {
                let n = Int(min(remaining, Int64(buffer.count - offset)))
                guard n > 0 else { return }
                let piece = buffer[offset..<offset + n]
                if collecting != nil { collecting!.data.append(contentsOf: piece) } else { try sink.content(piece) }
                remaining -= Int64(n)
                offset += n
                if remaining > 0 { return }
            }
            if padding > 0 {
                let n = min(padding, buffer.count - offset)
                padding -= n
                offset += n
                if padding > 0 { return }
            }
            if inEntry {
                inEntry = false
                if let c = collecting {
                    collecting = nil
                    try finishMetadata(kind: c.kind, data: c.data)
                } else {
                    try sink.end()
                }
            }
            guard buffer.count - offset >= 512 else { return }
            let header = Array(buffer[offset..<offset + 512])
            offset += 512
            if header.allSatisfy({ $0 == 0 }) { ended = true; return }
            try start(header)
        }
    }

    private func start(_ h: [UInt8]) throws {
        let stored = Self.number(h[148..<156]) ?? -1
        var sum: Int64 = 0
        for (i, b) in h.enumerated() { sum += Int64((148..<156).contains(i) ? 32 : b) }
        guard stored == sum else { throw ImageError("layer is not a valid tar archive (header checksum mismatch)") }
        let type = h[156]
        let size = Int64(pax["size"] ?? "") ?? Self.number(h[124..<136]) ?? 0
        remaining = size
        padding = Int((512 - size % 512) % 512)
        inEntry = true
        switch type {
        case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
            collecting = (type, [])
            return
        default:
            break
        }
        var name = Self.string(h[0..<100])
        let magic = Self.string(h[257..<263])
        if magic.hasPrefix("ustar") {
            let prefix = Self.string(h[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        let kind: TarEntry.Kind
        switch type {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): kind = .file
        case UInt8(ascii: "1"): kind = .hardLink
        case UInt8(ascii: "2"): kind = .symlink
        case UInt8(ascii: "3"): kind = .charDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        default: kind = .other
        }
        let entry = TarEntry(path: pax["path"] ?? longName ?? name, kind: kind, mode: UInt32(Self.number(h[100..<108]) ?? 0o644),
                             uid: UInt32(pax["uid"].flatMap { UInt32($0) } ?? UInt32(Self.number(h[108..<116]) ?? 0)),
                             gid: UInt32(pax["gid"].flatMap { UInt32($0) } ?? UInt32(Self.number(h[116..<124]) ?? 0)),
                             size: size, linkTarget: pax["linkpath"] ?? longLink ?? Self.string(h[157..<257]),
                             major: UInt32(Self.number(h[329..<337]) ?? 0), minor: UInt32(Self.number(h[337..<345]) ?? 0),
                             xattrs: paxXattrs)
        pax = [:]
        paxXattrs = [:]
        longName = nil
        longLink = nil
        try sink.begin(entry)
    }

    private func finishMetadata(kind: UInt8, data: [UInt8]) throws {
        switch kind {
        case UInt8(ascii: "L"): longName = Self.string(data[...])
        case UInt8(ascii: "K"): longLink = Self.string(data[...])
        case UInt8(ascii: "x"):
            // Records are "<length> <key>=<value>\n"; values may hold any bytes (xattrs).
            var i = 0
            while i < data.count {
                guard let space = data[i...].firstIndex(of: UInt8(ascii: " ")),
                      let length = Int(String(decoding: data[i..<space], as: UTF8.self)), length > 0, i + length <= data.count else {
                    throw ImageError("layer has a malformed PAX header")
                }
                let record = data[(space + 1)..<(i + length - 1)]
                if let eq = record.firstIndex(of: UInt8(ascii: "=")) {
                    let key = String(decoding: record[..<eq], as: UTF8.self)
                    let value = Array(record[(eq + 1)...])
                    if key.hasPrefix("SCHILY.xattr.") { paxXattrs[String(key.dropFirst(13))] = value } else {
                        pax[key] = String(decoding: value, as: UTF8.self)
                    }
                }
                i += length
            }
        default:
            break  // global PAX headers carry nothing a layer needs
        }
    }

    /// A NUL- or space-terminated octal field, or a base-256 one (high bit set).
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            var v: Int64 = Int64(first & 0x7f)
            for b in field.dropFirst() { v = v << 8 | Int64(b) }
            return v
        }
        var v: Int64 = 0
        var seen = false
        for b in field {
            if b == 0 || b == UInt8(ascii: " ") { if seen { break } else { continue } }
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "7") else { return nil }
            v = v * 8 + Int64(b - UInt8(ascii: "0"))
            seen = true
        }
        return v
    }

    static func string(_ field: ArraySlice<UInt8>) -> String {
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }
}
