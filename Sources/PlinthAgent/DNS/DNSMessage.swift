/// A DNS message (RFC 1035) as the cluster DNS reads queries and writes answers: the header,
/// the questions, and resource records whose data is kept as bytes (A, SRV, CNAME and SOA are
/// built by `DNSRecord`). Names are read with compression pointers and written without.
struct DNSMessage: Equatable {
    struct Question: Equatable {
        var name: String
        var type: UInt16
        var recordClass: UInt16 = 1
    }

    var id: UInt16
    var flags: UInt16
    var questions: [Question] = []
    var answers: [DNSRecord] = []
    var authority: [DNSRecord] = []

    static let typeA: UInt16 = 1, typeCNAME: UInt16 = 5, typeSOA: UInt16 = 6, typeAAAA: UInt16 = 28, typeSRV: UInt16 = 33
    static let noError: UInt16 = 0, formatError: UInt16 = 1, serverFailure: UInt16 = 2, nameError: UInt16 = 3, notImplemented: UInt16 = 4

    var isResponse: Bool { flags & 0x8000 != 0 }
    var opcode: UInt16 { (flags >> 11) & 0xF }
    var responseCode: UInt16 { flags & 0xF }

    /// Why bytes are not a DNS message.
    struct Malformed: Error {}

    init(id: UInt16, flags: UInt16, questions: [Question] = [], answers: [DNSRecord] = [], authority: [DNSRecord] = []) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authority = authority
    }

    /// Reads the header and questions of a message (records after them are not needed of a query).
    init(parsing bytes: [UInt8]) throws {
        guard bytes.count >= 12 else { throw Malformed() }
        func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
        id = u16(0)
        flags = u16(2)
        let count = Int(u16(4))
        guard count <= 16 else { throw Malformed() }
        var offset = 12
        for _ in 0..<count {
            let name = try Self.readName(bytes, at: &offset)
            guard offset + 4 <= bytes.count else { throw Malformed() }
            questions.append(Question(name: name, type: u16(offset), recordClass: u16(offset + 2)))
            offset += 4
        }
    }

    /// A name at `offset` (advanced past it), lowercased, without the final dot; follows
    /// compression pointers, refusing loops.
    static func readName(_ bytes: [UInt8], at offset: inout Int) throws -> String {
        var labels: [String] = []
        var position = offset
        var jumped = false
        var jumps = 0
        while true {
            guard position < bytes.count else { throw Malformed() }
            let length = Int(bytes[position])
            if length == 0 {
                position += 1
                break
            }
            if length & 0xC0 == 0xC0 {
                guard position + 1 < bytes.count, jumps < 32 else { throw Malformed() }
                if !jumped { offset = position + 2 }
                jumped = true
                jumps += 1
                position = (length & 0x3F) << 8 | Int(bytes[position + 1])
                continue
            }
            guard length <= 63, position + 1 + length <= bytes.count else { throw Malformed() }
            labels.append(String(decoding: bytes[(position + 1)..<(position + 1 + length)], as: UTF8.self).lowercased())
            position += 1 + length
        }
        if !jumped { offset = position }
        let name = labels.joined(separator: ".")
        guard name.utf8.count <= 253 else { throw Malformed() }
        return name
    }

    static func writeName(_ name: String, into out: inout [UInt8]) {
        for label in name.split(separator: ".") where !label.isEmpty {
            let bytes = Array(label.utf8.prefix(63))
            out.append(UInt8(bytes.count))
            out += bytes
        }
        out.append(0)
    }

    static func append(_ value: UInt16, to out: inout [UInt8]) {
        out += [UInt8(value >> 8), UInt8(value & 0xFF)]
    }

    /// The wire form; over UDP, answers that do not fit in `limit` bytes are dropped and the
    /// message marked truncated (TC), so the client asks again over TCP.
    func encoded(limit: Int = 65535) -> [UInt8] {
        var out: [UInt8] = []
        func write(_ answers: [DNSRecord], _ authority: [DNSRecord], flags: UInt16) {
            out = []
            for v in [id, flags, UInt16(questions.count), UInt16(answers.count), UInt16(authority.count), 0] { Self.append(v, to: &out) }
            for q in questions {
                Self.writeName(q.name, into: &out)
                Self.append(q.type, to: &out)
                Self.append(q.recordClass, to: &out)
            }
            for r in answers + authority { r.write(into: &out) }
        }
        write(answers, authority, flags: flags)
        if out.count > limit { write([], [], flags: flags | 0x0200) }
        return out
    }

    /// The answer to `query` with `code`, echoing its id, opcode, recursion-desired bit and questions.
    static func response(to query: DNSMessage, code: UInt16, answers: [DNSRecord] = [], authority: [DNSRecord] = [],
                         authoritative: Bool = true, recursionAvailable: Bool = true) -> DNSMessage {
        var flags: UInt16 = 0x8000 | (query.flags & 0x7900)  // QR, opcode, RD
        if authoritative { flags |= 0x0400 }
        if recursionAvailable { flags |= 0x0080 }
        flags |= code & 0xF
        return DNSMessage(id: query.id, flags: flags, questions: query.questions, answers: answers, authority: authority)
    }
}
