/// Writes the protobuf wire format: tags, varints, fixed-width numbers and length-delimited
/// payloads, appended to `bytes`.
struct ProtobufWireWriter {
    var bytes: [UInt8] = []

    mutating func tag(_ number: Int, _ wireType: ProtobufWireReader.WireType) {
        varint(UInt64(number) << 3 | UInt64(wireType.rawValue))
    }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func fixed64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    mutating func fixed32(_ value: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    mutating func lengthDelimited(_ number: Int, _ payload: some Collection<UInt8>) {
        tag(number, .lengthDelimited)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    mutating func string(_ number: Int, _ value: String) {
        lengthDelimited(number, value.utf8)
    }

    mutating func varintField(_ number: Int, _ value: UInt64) {
        tag(number, .varint)
        varint(value)
    }
}
