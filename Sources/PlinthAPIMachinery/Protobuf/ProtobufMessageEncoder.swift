import PlinthJSON

/// Encodes an object's JSON as its Go type's protobuf encoding, the way gogo's Marshal writes it:
/// fields in number order, non-pointer scalars and structs always (zero when absent from the
/// JSON), pointers, slices, maps and `[]byte` only when present, map entries sorted by key.
struct ProtobufMessageEncoder {
    let schema: ProtobufSchema

    func encode(message index: Int, _ object: JSONObject, depth: Int) throws(ProtobufError) -> [UInt8] {
        guard depth < ProtobufMessageDecoder.maxDepth else {
            throw ProtobufError("protobuf: object nesting exceeds \(ProtobufMessageDecoder.maxDepth) levels")
        }
        let message = schema.messages[index]
        var w = ProtobufWireWriter()
        for field in message.fields {
            if field.inline, case .message(let target) = field.kind {
                w.lengthDelimited(field.number, try encode(message: target, object, depth: depth + 1))
                continue
            }
            var value: JSON? = field.skip ? .none : object[field.jsonName]
            if case .null? = value { value = .none }
            if field.map {
                guard let value else { continue }
                guard case .object(let entries) = value else { throw mismatch(message, field, "object", value) }
                let sorted = entries.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                for e in sorted {
                    var entry = ProtobufWireWriter()
                    entry.string(1, e.key)
                    try encodeValue(e.value.isNull ? .none : .some(e.value), number: 2, field, message, &entry, depth: depth)
                    w.lengthDelimited(field.number, entry.bytes)
                }
            } else if field.repeated {
                guard let value else { continue }
                guard case .array(let items) = value else { throw mismatch(message, field, "array", value) }
                for item in items {
                    try encodeValue(item.isNull ? .none : .some(item), number: field.number, field, message, &w, depth: depth)
                }
            } else if let value {
                try encodeValue(value, number: field.number, field, message, &w, depth: depth)
            } else if !field.pointer && field.kind != .bytes {
                try encodeValue(nil, number: field.number, field, message, &w, depth: depth)
            }
        }
        return w.bytes
    }

    /// One value of `field` as field `number` (2 in map entries); nil writes the zero value.
    private func encodeValue(
        _ value: JSON?, number: Int, _ field: ProtobufSchema.Field, _ message: ProtobufSchema.Message,
        _ w: inout ProtobufWireWriter, depth: Int
    ) throws(ProtobufError) {
        switch field.kind {
        case .string:
            guard let value else { w.string(number, ""); return }
            guard case .string(let s) = value else { throw mismatch(message, field, "string", value) }
            w.string(number, s)
        case .bytes:
            guard let value else { w.lengthDelimited(number, [UInt8]()); return }
            guard case .string(let s) = value, let data = ProtobufValueFormats.base64Decode(s) else {
                throw mismatch(message, field, "base64 string", value)
            }
            w.lengthDelimited(number, data)
        case .bool:
            guard let value else { w.varintField(number, 0); return }
            guard case .bool(let b) = value else { throw mismatch(message, field, "boolean", value) }
            w.varintField(number, b ? 1 : 0)
        case .int32, .int64, .uint32, .uint64:
            guard let value else { w.varintField(number, 0); return }
            guard let i = value.intValue else { throw mismatch(message, field, "integer", value) }
            switch field.kind {
            case .int32: w.varintField(number, UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: i))))
            case .uint32: w.varintField(number, UInt64(UInt32(truncatingIfNeeded: i)))
            default: w.varintField(number, UInt64(bitPattern: i))
            }
        case .double, .float:
            let d: Double
            if let value {
                guard let v = value.doubleValue else { throw mismatch(message, field, "number", value) }
                d = v
            } else {
                d = 0
            }
            if field.kind == .double {
                w.tag(number, .fixed64); w.fixed64(d.bitPattern)
            } else {
                w.tag(number, .fixed32); w.fixed32(Float(d).bitPattern)
            }
        case .message(let index):
            let target = schema.messages[index]
            let object: JSONObject
            switch value {
            case nil: object = JSONObject()
            case .object(let o)? where !target.isListWrapper: object = o
            case .array(let items)? where target.isListWrapper:
                object = JSONObject(entries: [.init(key: target.fields.first?.jsonName ?? "items", value: .array(items))])
            case let v?: throw mismatch(message, field, target.isListWrapper ? "array" : "object", v)
            }
            w.lengthDelimited(number, try encode(message: index, object, depth: depth + 1))
        case .time, .microTime:
            var inner = ProtobufWireWriter()
            if let value {
                guard case .string(let s) = value, let t = RFC3339.parse(s) else {
                    throw mismatch(message, field, "RFC 3339 time", value)
                }
                inner.varintField(1, UInt64(bitPattern: t.seconds))
                inner.varintField(2, UInt64(bitPattern: Int64(t.nanos)))
            }
            w.lengthDelimited(number, inner.bytes)
        case .duration:
            var nanoseconds: Int64 = 0
            if let value {
                guard case .string(let s) = value, let d = GoDuration.parse(s) else {
                    throw mismatch(message, field, "duration", value)
                }
                nanoseconds = d
            }
            var inner = ProtobufWireWriter()
            inner.varintField(1, UInt64(bitPattern: nanoseconds))
            w.lengthDelimited(number, inner.bytes)
        case .quantity:
            let s: String
            switch value {
            case nil: s = "0"
            case .string(let v)?: s = v
            case .int(let v)?: s = String(v)
            case .double?: s = value!.serializedString()
            case let v?: throw mismatch(message, field, "quantity", v)
            }
            var inner = ProtobufWireWriter()
            inner.string(1, s)
            w.lengthDelimited(number, inner.bytes)
        case .intOrString:
            var inner = ProtobufWireWriter()
            switch value {
            case nil:
                inner.varintField(1, 0); inner.varintField(2, 0); inner.string(3, "")
            case .string(let s)?:
                inner.varintField(1, 1); inner.varintField(2, 0); inner.string(3, s)
            case let v?:
                guard let i = v.intValue else { throw mismatch(message, field, "integer or string", v) }
                inner.varintField(1, 0)
                inner.varintField(2, UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: i))))
                inner.string(3, "")
            }
            w.lengthDelimited(number, inner.bytes)
        case .fieldsV1, .rawExtension:
            var inner = ProtobufWireWriter()
            if let value { inner.lengthDelimited(1, value.serialized()) }
            w.lengthDelimited(number, inner.bytes)
        }
    }

    private func mismatch(_ message: ProtobufSchema.Message, _ field: ProtobufSchema.Field, _ expected: String, _ value: JSON) -> ProtobufError {
        ProtobufError("protobuf: cannot encode \(field.jsonName) of \(message.name): expected \(expected), got \(value.typeName)")
    }
}
