import PlinthJSON

/// Decodes a message's protobuf encoding into the JSON its Go type would marshal to.
///
/// Presence follows the two encoders: gogo's Marshal writes non-pointer scalars and structs
/// even when zero, pointers only when set; Go's JSON drops `omitempty` zero values. So a zero
/// scalar or an empty struct is kept only when its Go field is a pointer or has no `omitempty`;
/// a zero Time is always left out (Go writes `null`).
struct ProtobufMessageDecoder {
    let schema: ProtobufSchema
    let bytes: [UInt8]

    static let maxDepth = 100

    /// The fields of message `index` encoded in `range`, in field-number order.
    func decodeObject(message index: Int, range: Range<Int>, depth: Int) throws(ProtobufError) -> JSONObject {
        guard depth < Self.maxDepth else { throw ProtobufError("protobuf: message nesting exceeds \(Self.maxDepth) levels") }
        let message = schema.messages[index]
        var values = [JSON?](repeating: nil, count: message.fields.count)
        var reader = ProtobufWireReader(bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard let fi = message.field(number: number), !message.fields[fi].skip else {
                try reader.skip(wireType)
                continue
            }
            let field = message.fields[fi]
            if field.map {
                try expect(wireType, .lengthDelimited, field, message)
                let entry = try reader.readLengthDelimited()
                let (key, value) = try decodeMapEntry(field, message, entry, depth: depth)
                var object: JSONObject
                if case .object(let o)? = values[fi] { object = o } else { object = JSONObject() }
                values[fi] = nil
                object.appendUnchecked(key, value)
                values[fi] = .object(object)
            } else if field.repeated {
                var array: [JSON]
                if case .array(let a)? = values[fi] { array = a } else { array = [] }
                values[fi] = nil
                if wireType == .lengthDelimited, let packed = Self.packedWireType(field.kind) {
                    let range = try reader.readLengthDelimited()
                    var inner = ProtobufWireReader(bytes, range: range)
                    while !inner.isAtEnd {
                        array.append(try decodeValue(field, message, packed, &inner, depth: depth, element: true) ?? .null)
                    }
                } else {
                    array.append(try decodeValue(field, message, wireType, &reader, depth: depth, element: true) ?? .null)
                }
                values[fi] = .array(array)
            } else {
                values[fi] = try decodeValue(field, message, wireType, &reader, depth: depth, element: false)
            }
        }

        var out = JSONObject()
        out.reserveCapacity(values.count)
        for (fi, value) in values.enumerated() {
            guard var value else { continue }
            let field = message.fields[fi]
            if field.inline, case .object(let inner) = value {
                for e in inner.entries { out.appendUnchecked(e.key, e.value) }
                continue
            }
            if field.map, case .object(let o) = value { value = .object(Self.lastValuePerKey(o)) }
            out.appendUnchecked(field.jsonName, value)
        }
        return out
    }

    /// One value of `field`; nil when the JSON form leaves it out. `element` is set for items
    /// of repeated fields and map values, which are never left out.
    private func decodeValue(
        _ field: ProtobufSchema.Field, _ message: ProtobufSchema.Message, _ wireType: ProtobufWireReader.WireType,
        _ reader: inout ProtobufWireReader, depth: Int, element: Bool
    ) throws(ProtobufError) -> JSON? {
        let keepZero = element || field.pointer || field.required
        switch field.kind {
        case .bool:
            try expect(wireType, .varint, field, message)
            let v = try reader.readVarint() != 0
            return Self.keep(v || keepZero, .bool(v))
        case .int32, .int64, .uint32, .uint64:
            try expect(wireType, .varint, field, message)
            let raw = try reader.readVarint()
            let v: JSON
            switch field.kind {
            case .int32: v = .int(Int64(Int32(truncatingIfNeeded: raw)))
            case .uint32: v = .int(Int64(UInt32(truncatingIfNeeded: raw)))
            case .uint64 where raw > UInt64(Int64.max): v = .double(Double(raw))
            default: v = .int(Int64(bitPattern: raw))
            }
            return Self.keep(raw != 0 || keepZero, v)
        case .double:
            try expect(wireType, .fixed64, field, message)
            let d = Double(bitPattern: try reader.readFixed64())
            return Self.keep(d != 0 || keepZero, .double(d))
        case .float:
            try expect(wireType, .fixed32, field, message)
            let d = Double(Float(bitPattern: try reader.readFixed32()))
            return Self.keep(d != 0 || keepZero, .double(d))
        case .string:
            try expect(wireType, .lengthDelimited, field, message)
            let r = try reader.readLengthDelimited()
            return Self.keep(!r.isEmpty || keepZero, .string(String(decoding: bytes[r], as: UTF8.self)))
        case .bytes:
            try expect(wireType, .lengthDelimited, field, message)
            let r = try reader.readLengthDelimited()
            return Self.keep(!r.isEmpty || keepZero, .string(ProtobufValueFormats.base64Encode(bytes[r])))
        default:
            try expect(wireType, .lengthDelimited, field, message)
            let r = try reader.readLengthDelimited()
            return try decodeMessageValue(field.kind, r, field: field, depth: depth, element: element)
        }
    }

    /// A length-delimited value of a message kind (plain or well-known).
    private func decodeMessageValue(
        _ kind: ProtobufSchema.Kind, _ range: Range<Int>, field: ProtobufSchema.Field?, depth: Int, element: Bool
    ) throws(ProtobufError) -> JSON? {
        let keepZero = element || (field?.pointer ?? false) || (field?.required ?? false)
        switch kind {
        case .message(let index):
            let target = schema.messages[index]
            let object = try decodeObject(message: index, range: range, depth: depth + 1)
            if target.isListWrapper {
                let items = object.entries.first?.value ?? .array([])
                return Self.keep(items.arrayValue?.isEmpty == false || keepZero, items)
            }
            if object.isEmpty && !keepZero && field?.jsonName != "metadata" { return nil }
            return .object(object)
        case .time, .microTime:
            var seconds: Int64 = 0, nanos: Int32 = 0
            var reader = ProtobufWireReader(bytes, range: range)
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                switch (number, wireType) {
                case (1, .varint): seconds = Int64(bitPattern: try reader.readVarint())
                case (2, .varint): nanos = Int32(truncatingIfNeeded: try reader.readVarint())
                default: try reader.skip(wireType)
                }
            }
            if seconds == 0 && nanos == 0 { return Self.keep(element, .null) }
            return .string(RFC3339.format(seconds: seconds, nanos: nanos, fractionDigits: kind == .microTime ? 6 : 0))
        case .duration:
            var nanoseconds: Int64 = 0
            var reader = ProtobufWireReader(bytes, range: range)
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                if number == 1 && wireType == .varint { nanoseconds = Int64(bitPattern: try reader.readVarint()) } else { try reader.skip(wireType) }
            }
            return Self.keep(nanoseconds != 0 || keepZero, .string(GoDuration.format(nanoseconds: nanoseconds)))
        case .quantity:
            var value = ""
            var reader = ProtobufWireReader(bytes, range: range)
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                if number == 1 && wireType == .lengthDelimited {
                    value = String(decoding: bytes[try reader.readLengthDelimited()], as: UTF8.self)
                } else {
                    try reader.skip(wireType)
                }
            }
            if value.isEmpty { return Self.keep(keepZero, .string("0")) }
            return .string(value)
        case .intOrString:
            var type: UInt64 = 0, intValue: Int32 = 0, stringValue = ""
            var reader = ProtobufWireReader(bytes, range: range)
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                switch (number, wireType) {
                case (1, .varint): type = try reader.readVarint()
                case (2, .varint): intValue = Int32(truncatingIfNeeded: try reader.readVarint())
                case (3, .lengthDelimited): stringValue = String(decoding: bytes[try reader.readLengthDelimited()], as: UTF8.self)
                default: try reader.skip(wireType)
                }
            }
            if type == 1 { return Self.keep(!stringValue.isEmpty || keepZero, .string(stringValue)) }
            return Self.keep(intValue != 0 || keepZero, .int(Int64(intValue)))
        case .fieldsV1, .rawExtension:
            var raw: Range<Int>? = nil
            var reader = ProtobufWireReader(bytes, range: range)
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                if number == 1 && wireType == .lengthDelimited { raw = try reader.readLengthDelimited() } else { try reader.skip(wireType) }
            }
            guard let raw, !raw.isEmpty else { return Self.keep(element, .null) }
            return try decodeEmbedded(raw, depth: depth)
        default:
            return nil
        }
    }

    /// Raw bytes of a FieldsV1 or RawExtension: JSON, or a nested protobuf envelope.
    private func decodeEmbedded(_ raw: Range<Int>, depth: Int) throws(ProtobufError) -> JSON {
        let slice = bytes[raw]
        if slice.starts(with: KubernetesProtobuf.magic) {
            return try KubernetesProtobuf.decode(Array(slice), schema: schema, depth: depth + 1)
        }
        do {
            return try JSON.parse(slice)
        } catch {
            throw ProtobufError("protobuf: embedded object is neither JSON nor protobuf: \(error.message)")
        }
    }

    private func decodeMapEntry(
        _ field: ProtobufSchema.Field, _ message: ProtobufSchema.Message, _ range: Range<Int>, depth: Int
    ) throws(ProtobufError) -> (String, JSON) {
        var key = ""
        var value: JSON? = nil
        var reader = ProtobufWireReader(bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch number {
            case 1:
                try expect(wireType, .lengthDelimited, field, message)
                key = String(decoding: bytes[try reader.readLengthDelimited()], as: UTF8.self)
            case 2:
                value = try decodeValue(field, message, wireType, &reader, depth: depth, element: true)
            default:
                try reader.skip(wireType)
            }
        }
        if let value { return (key, value) }
        switch field.kind {
        case .string, .bytes: return (key, .string(""))
        case .bool: return (key, .bool(false))
        case .int32, .int64, .uint32, .uint64: return (key, .int(0))
        case .double, .float: return (key, .double(0))
        default: return (key, try decodeMessageValue(field.kind, 0..<0, field: nil, depth: depth, element: true) ?? .null)
        }
    }

    private func expect(
        _ actual: ProtobufWireReader.WireType, _ expected: ProtobufWireReader.WireType,
        _ field: ProtobufSchema.Field, _ message: ProtobufSchema.Message
    ) throws(ProtobufError) {
        guard actual == expected else {
            throw ProtobufError("protobuf: field \(field.number) (\(field.jsonName)) of \(message.name) has wire type \(actual.rawValue), expected \(expected.rawValue)")
        }
    }

    /// `value` when `condition` holds, else nil. (A bare `nil` in a ternary would become
    /// `JSON.null`, JSON being expressible by a nil literal.)
    private static func keep(_ condition: Bool, _ value: @autoclosure () -> JSON) -> JSON? {
        condition ? .some(value()) : .none
    }

    /// The element wire type of a packed repeated field of this kind, if it can be packed.
    private static func packedWireType(_ kind: ProtobufSchema.Kind) -> ProtobufWireReader.WireType? {
        switch kind {
        case .bool, .int32, .int64, .uint32, .uint64: return .varint
        case .double: return .fixed64
        case .float: return .fixed32
        default: return nil
        }
    }

    /// A map's entries with one per key, the last one winning (as Go's decoder does).
    private static func lastValuePerKey(_ object: JSONObject) -> JSONObject {
        guard object.count > 1 else { return object }
        var seen = Set<String>()
        seen.reserveCapacity(object.count)
        var duplicates = false
        for e in object.entries where !seen.insert(e.key).inserted { duplicates = true; break }
        guard duplicates else { return object }
        var last: [String: Int] = [:]
        for (i, e) in object.entries.enumerated() { last[e.key] = i }
        var out = JSONObject()
        for (i, e) in object.entries.enumerated() where last[e.key] == i { out.appendUnchecked(e.key, e.value) }
        return out
    }
}
