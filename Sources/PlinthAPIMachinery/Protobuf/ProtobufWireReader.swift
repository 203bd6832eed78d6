/// Reads the protobuf wire format from a byte range: tags, varints, fixed-width numbers and
/// length-delimited payloads. Fields are visited in the order they appear.
struct ProtobufWireReader {
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    var isAtEnd: Bool { position >= end }

    /// The next field's number and wire type.
    mutating func readTag() throws(ProtobufError) -> (number: Int, wireType: WireType) {
        let key = try readVarint()
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw ProtobufError("protobuf: illegal wire type \(key & 7) at offset \(position)")
        }
        let number = key >> 3
        guard number > 0 && number <= 536_870_911 else {
            throw ProtobufError("protobuf: illegal field number \(number) at offset \(position)")
        }
        return (Int(number), wireType)
    }

    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ProtobufError("protobuf: unexpected end of data in varint") }
            let b = bytes[position]
            position += 1
            if shift == 63 && b > 1 { throw ProtobufError("protobuf: integer overflow in varint") }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    mutating func readFixed64() throws(ProtobufError) -> UInt64 {
        guard end - position >= 8 else { throw ProtobufError("protobuf: unexpected end of data in fixed64") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }

    mutating func readFixed32() throws(ProtobufError) -> UInt32 {
        guard end - position >= 4 else { throw ProtobufError("protobuf: unexpected end of data in fixed32") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }

    /// The range of a length-delimited payload, which is skipped over.
    mutating func readLengthDelimited() throws(ProtobufError) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw ProtobufError("protobuf: length \(length) at offset \(position) runs past the end of the message")
        }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// Skips the value of a field of the given wire type.
    mutating func skip(_ wireType: WireType, depth: Int = 0) throws(ProtobufError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup:
            guard depth < 64 else { throw ProtobufError("protobuf: groups nested too deeply") }
            while true {
                let (_, t) = try readTag()
                if t == .endGroup { return }
                try skip(t, depth: depth + 1)
            }
        case .endGroup: throw ProtobufError("protobuf: unexpected end group")
        }
    }
}
