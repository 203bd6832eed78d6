import PlinthJSON

/// The Kubernetes protobuf serialization (`application/vnd.kubernetes.protobuf`), which typed
/// clients such as kubectl use for request bodies: the magic "k8s\0" followed by a
/// runtime.Unknown {typeMeta(1){apiVersion(1), kind(2)}, raw(2), contentEncoding(3),
/// contentType(4)} whose `raw` is the object's own protobuf encoding.
///
/// Objects are decoded to the JSON their Go type would marshal to (see `ProtobufMessageDecoder`
/// for presence) and encoded back the way the Go types' generated Marshal writes them. The
/// built-in types of core, apps, batch, rbac, authentication, authorization, autoscaling v1/v2,
/// policy, networking, scheduling, coordination, storage, node, discovery and events v1 and
/// meta/v1 are known; fields the tables do not know are skipped.
public enum KubernetesProtobuf {
    public static let mediaType = "application/vnd.kubernetes.protobuf"
    static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    /// Whether `bytes` starts with the protobuf envelope's magic number.
    public static func hasMagic(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: magic)
    }

    /// Whether objects of this apiVersion and kind can be decoded and encoded.
    public static func supports(apiVersion: String, kind: String) -> Bool {
        ProtobufSchema.shared.message(apiVersion: apiVersion, kind: kind) != nil
    }

    /// Decodes a body: the envelope and the object in it. The result starts with "apiVersion",
    /// "kind" and "metadata", then the other fields in field-number order.
    public static func decode(_ bytes: [UInt8]) throws(ProtobufError) -> JSON {
        try decode(bytes, schema: .shared, depth: 0)
    }

    /// Decodes an object's own protobuf encoding (the `raw` of an envelope).
    public static func decodeObject(_ raw: [UInt8], apiVersion: String, kind: String) throws(ProtobufError) -> JSON {
        try decodeObject(raw, range: 0..<raw.count, apiVersion: apiVersion, kind: kind, schema: .shared, depth: 0)
    }

    /// Encodes an object (which must have "apiVersion" and "kind") in the envelope.
    public static func encode(_ object: JSON) throws(ProtobufError) -> [UInt8] {
        guard case .object(let o) = object else { throw ProtobufError("protobuf: cannot encode a \(object.typeName) as an object") }
        guard let apiVersion = o["apiVersion"]?.stringValue, !apiVersion.isEmpty,
              let kind = o["kind"]?.stringValue, !kind.isEmpty
        else { throw ProtobufError("protobuf: cannot encode an object without apiVersion and kind") }
        let schema = ProtobufSchema.shared
        guard let index = schema.message(apiVersion: apiVersion, kind: kind) else {
            throw ProtobufError("protobuf: no protobuf encoding is known for \(apiVersion), Kind=\(kind)")
        }
        let raw = try ProtobufMessageEncoder(schema: schema).encode(message: index, o, depth: 0)
        var typeMeta = ProtobufWireWriter()
        typeMeta.string(1, apiVersion)
        typeMeta.string(2, kind)
        var w = ProtobufWireWriter()
        w.bytes.reserveCapacity(raw.count + apiVersion.utf8.count + kind.utf8.count + 16)
        w.bytes += magic
        w.lengthDelimited(1, typeMeta.bytes)
        w.lengthDelimited(2, raw)
        w.string(3, "")
        w.string(4, "")
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], schema: ProtobufSchema, depth: Int) throws(ProtobufError) -> JSON {
        guard hasMagic(bytes) else {
            throw ProtobufError("protobuf: body does not start with the Kubernetes protobuf prefix \"k8s\\x00\"")
        }
        var apiVersion = "", kind = "", contentEncoding = "", contentType = ""
        var raw: Range<Int> = 0..<0
        var reader = ProtobufWireReader(bytes, range: magic.count..<bytes.count)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard wireType == .lengthDelimited, (1...4).contains(number) else {
                try reader.skip(wireType)
                continue
            }
            let range = try reader.readLengthDelimited()
            switch number {
            case 1:
                var typeMeta = ProtobufWireReader(bytes, range: range)
                while !typeMeta.isAtEnd {
                    let (n, t) = try typeMeta.readTag()
                    if (n == 1 || n == 2) && t == .lengthDelimited {
                        let s = String(decoding: bytes[try typeMeta.readLengthDelimited()], as: UTF8.self)
                        if n == 1 { apiVersion = s } else { kind = s }
                    } else {
                        try typeMeta.skip(t)
                    }
                }
            case 2: raw = range
            case 3: contentEncoding = String(decoding: bytes[range], as: UTF8.self)
            default: contentType = String(decoding: bytes[range], as: UTF8.self)
            }
        }
        guard contentEncoding.isEmpty else {
            throw ProtobufError("protobuf: unsupported content encoding \"\(contentEncoding)\"")
        }
        if !contentType.isEmpty && contentType != mediaType {
            guard contentType.hasPrefix("application/json") else {
                throw ProtobufError("protobuf: unsupported embedded content type \"\(contentType)\"")
            }
            do {
                var object = try JSON.parse(bytes[raw])
                if object["apiVersion"] == nil && !apiVersion.isEmpty { object["apiVersion"] = .string(apiVersion) }
                if object["kind"] == nil && !kind.isEmpty { object["kind"] = .string(kind) }
                return object
            } catch {
                throw ProtobufError("protobuf: embedded JSON: \(error.message)")
            }
        }
        guard !kind.isEmpty else { throw ProtobufError("protobuf: object has no kind") }
        return try decodeObject(bytes, range: raw, apiVersion: apiVersion, kind: kind, schema: schema, depth: depth)
    }

    static func decodeObject(
        _ bytes: [UInt8], range: Range<Int>, apiVersion: String, kind: String, schema: ProtobufSchema, depth: Int
    ) throws(ProtobufError) -> JSON {
        guard let index = schema.message(apiVersion: apiVersion, kind: kind) else {
            throw ProtobufError("protobuf: no protobuf encoding is known for \(apiVersion), Kind=\(kind)")
        }
        let fields = try ProtobufMessageDecoder(schema: schema, bytes: bytes).decodeObject(message: index, range: range, depth: depth)
        var out = JSONObject()
        out.reserveCapacity(fields.count + 3)
        out.appendUnchecked("apiVersion", .string(apiVersion))
        out.appendUnchecked("kind", .string(kind))
        let hasMetadata = schema.messages[index].fields.contains { $0.jsonName == "metadata" }
        if hasMetadata { out.appendUnchecked("metadata", fields["metadata"] ?? .object(JSONObject())) }
        for e in fields.entries {
            if e.key == "apiVersion" || e.key == "kind" || (hasMetadata && e.key == "metadata") { continue }
            out.appendUnchecked(e.key, e.value)
        }
        return .object(out)
    }
}
