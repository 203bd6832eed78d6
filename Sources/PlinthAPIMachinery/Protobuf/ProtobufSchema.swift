import PlinthJSON

/// The shape of the Kubernetes built-in types: for each message, field number → (JSON name,
/// type, Go presence, patch and list tags). Built once from the compact text tables in the
/// `ProtobufSchema+*.swift` files, which `scripts/generate-protobuf-schema.py` generated from
/// upstream `generated.proto` (field numbers and types) and `types.go` (JSON names, `omitempty`,
/// Go pointers, struct tags and `+` markers). The protobuf codec and the OpenAPI v3 schemas
/// (`BuiltinOpenAPISchemas`) read it.
///
/// Text format: one message per line, continuation lines start with a space.
///
///     [~]Name[^][=structType] num:jsonName:type[flags] num:jsonName:type[flags] …
///
/// - `~` before the name: a Go slice type wrapped in a message (`ExtraValue`): its JSON form is
///   the array held in field 1. `^` after it: the Go struct embeds `metav1.TypeMeta` (JSON
///   `apiVersion` and `kind`, not in protobuf). `=atomic`/`=granular`: its `+structType`.
/// - type: `s` string, `b` bool, `i` int32, `l` int64, `u` uint32, `v` uint64, `d` double,
///   `f` float, `y` bytes (base64 in JSON); `T` meta/v1 Time, `M` MicroTime, `D` Duration,
///   `F` FieldsV1, `Q` resource.Quantity, `I` intstr.IntOrString, `R` runtime.RawExtension;
///   `@Name` a message of the same package, `@pkg.Name` of another package.
///   A `[` prefix marks a repeated field, `{` a `map<string, type>`.
/// - flags: `*` a Go pointer (present means set, even when zero), `!` no `omitempty` in the
///   JSON tag, `^` embedded inline in JSON (its fields become the parent's), `-` `json:"-"`,
///   `+` required in OpenAPI (neither `omitempty` nor `+optional`, or `+required`);
///   `%key` `patchStrategy:"merge"` with `patchMergeKey:"key"` (the key may be empty),
///   `&` `retainKeys` and `#` `replace` patch strategy; last, `=marker` runs to the end of the
///   token: on a list its `+listType` (`=atomic`, `=set`, `=map:key1,key2` with the
///   `+listMapKey`s), on a map its `+mapType`, on a message its `+structType`.
struct ProtobufSchema: Sendable {
    enum Kind: Sendable, Equatable {
        case string, bool, int32, int64, uint32, uint64, double, float, bytes
        case time, microTime, duration, fieldsV1, quantity, intOrString, rawExtension
        case message(Int)
    }

    struct Field: Sendable {
        var number: Int
        var jsonName: String
        var kind: Kind
        var repeated = false
        var map = false
        var pointer = false
        var required = false
        var inline = false
        var skip = false
        /// Required in OpenAPI (the `required` list of the parent).
        var openAPIRequired = false
        /// `patchStrategy:"merge"`, with its `patchMergeKey` (nil for lists of scalars).
        var patchMerge = false
        var patchMergeKey: String?
        var patchRetainKeys = false
        var patchReplace = false
        /// `+listType` (lists): "atomic", "set" or "map".
        var listType: String?
        var listMapKeys: [String] = []
        /// `+mapType` (maps) or `+structType` (message fields): "atomic" or "granular".
        var mapType: String?

        /// The `x-kubernetes-patch-strategy` value, as upstream spells it.
        var patchStrategy: String? {
            var parts: [String] = []
            if patchMerge { parts.append("merge") }
            if patchRetainKeys { parts.append("retainKeys") }
            if patchReplace { parts.append("replace") }
            return parts.isEmpty ? nil : parts.joined(separator: ",")
        }
    }

    struct Message: Sendable {
        var name: String
        /// A Go slice type in a wrapper message: JSON is field 1's array.
        var isListWrapper = false
        /// The Go struct embeds TypeMeta: a kind (or options, list) with `apiVersion` and `kind`.
        var hasTypeMeta = false
        /// `+structType` of the Go struct: "atomic" or "granular".
        var structType: String?
        /// Sorted by number.
        var fields: [Field] = []
        /// Field number → index in `fields`, -1 where there is none.
        var slots: [Int16] = []

        func field(number: Int) -> Int? {
            guard number >= 0 && number < slots.count else { return nil }
            let i = slots[number]
            return i < 0 ? nil : Int(i)
        }
    }

    var messages: [Message] = []
    /// "pkg.Name" → index in `messages`.
    var index: [String: Int] = [:]

    static let shared = ProtobufSchema(packages: [
        ("meta", metaText), ("core", coreText), ("apps", appsText), ("batch", batchText),
        ("autoscaling", autoscalingText), ("autoscaling_v2", autoscalingV2Text), ("policy", policyText), ("scheduling_v1alpha3", schedulingV1alpha3Text),
        ("rbac", rbacText), ("authentication", authenticationText), ("authorization", authorizationText),
        ("networking", networkingText), ("scheduling", schedulingText), ("coordination", coordinationText),
        ("storage", storageText), ("node", nodeText), ("discovery", discoveryText), ("events", eventsText),
    ])

    /// The message for a top-level object of the given apiVersion and kind. Kinds that every
    /// group version serves (DeleteOptions, Status, …) are found in meta/v1.
    func message(apiVersion: String, kind: String) -> Int? {
        if let i = index[Self.package(apiVersion: apiVersion) + "." + kind] { return i }
        return index["meta." + kind]
    }

    /// "apps/v1" → "apps", "v1" → "core", "rbac.authorization.k8s.io/v1" → "rbac",
    /// "scheduling.k8s.io/v1alpha3" → "scheduling_v1alpha3".
    static func package(apiVersion: String) -> String {
        let parts = apiVersion.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let group = parts.count == 2 ? parts[0] : ""
        let version = parts.count == 2 ? parts[1] : parts[0]
        let name = group.isEmpty ? "core" : String(group.prefix { $0 != "." })
        return version == "v1" ? name : name + "_" + version
    }

    init(packages: [(name: String, text: String)]) {
        // Pass 1: names, so that references can be resolved in any order.
        var parsed: [(pkg: String, line: [Substring])] = []
        for (pkg, text) in packages {
            var current: [Substring] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                let tokens = line.split(separator: " ")
                if line.first == " " {
                    current += tokens
                } else {
                    if !current.isEmpty { parsed.append((pkg, current)) }
                    current = tokens
                }
            }
            if !current.isEmpty { parsed.append((pkg, current)) }
        }
        for (pkg, tokens) in parsed {
            var name = tokens[0]
            var message = Message(name: "")
            if name.first == "~" { message.isListWrapper = true; name = name.dropFirst() }
            if let eq = name.firstIndex(of: "=") {
                message.structType = String(name[name.index(after: eq)...])
                name = name[..<eq]
            }
            if name.last == "^" { message.hasTypeMeta = true; name = name.dropLast() }
            message.name = pkg + "." + name
            index[message.name] = messages.count
            messages.append(message)
        }
        // Pass 2: fields.
        for (i, (pkg, tokens)) in parsed.enumerated() {
            var fields: [Field] = []
            for token in tokens.dropFirst() {
                let parts = token.split(separator: ":", maxSplits: 2)
                precondition(parts.count == 3, "bad protobuf schema token \(token)")
                var field = Field(number: Int(parts[0])!, jsonName: String(parts[1]), kind: .string)
                var rest = parts[2]
                if rest.first == "[" { field.repeated = true; rest = rest.dropFirst() }
                if rest.first == "{" { field.map = true; rest = rest.dropFirst() }
                // The type: one letter, or `@` and a (package-qualified) message name.
                let typeEnd = rest.first == "@"
                    ? rest.dropFirst().firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") } ?? rest.endIndex
                    : rest.index(rest.startIndex, offsetBy: 1, limitedBy: rest.endIndex) ?? rest.endIndex
                let type = rest[..<typeEnd]
                var flags = rest[typeEnd...]
                while let flag = flags.popFirst() {
                    switch flag {
                    case "*": field.pointer = true
                    case "!": field.required = true
                    case "^": field.inline = true
                    case "-": field.skip = true
                    case "+": field.openAPIRequired = true
                    case "&": field.patchRetainKeys = true
                    case "#": field.patchReplace = true
                    case "%":
                        field.patchMerge = true
                        let key = flags.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                        if !key.isEmpty { field.patchMergeKey = String(key) }
                        flags = flags.dropFirst(key.count)
                    case "=":
                        let marker = flags.split(separator: ":", maxSplits: 1)
                        flags = flags[flags.endIndex...]
                        if field.repeated {
                            field.listType = marker.first.map(String.init)
                            if marker.count == 2 { field.listMapKeys = marker[1].split(separator: ",").map(String.init) }
                        } else {
                            field.mapType = marker.first.map(String.init)
                        }
                    default:
                        preconditionFailure("bad protobuf schema flag \(flag) in \(token)")
                    }
                }
                switch type {
                case "s": field.kind = .string
                case "b": field.kind = .bool
                case "i": field.kind = .int32
                case "l": field.kind = .int64
                case "u": field.kind = .uint32
                case "v": field.kind = .uint64
                case "d": field.kind = .double
                case "f": field.kind = .float
                case "y": field.kind = .bytes
                case "T": field.kind = .time
                case "M": field.kind = .microTime
                case "D": field.kind = .duration
                case "F": field.kind = .fieldsV1
                case "Q": field.kind = .quantity
                case "I": field.kind = .intOrString
                case "R": field.kind = .rawExtension
                default:
                    precondition(type.first == "@", "bad protobuf schema type \(type)")
                    let ref = type.dropFirst()
                    let full = ref.contains(".") ? String(ref) : pkg + "." + ref
                    guard let target = index[full] else { preconditionFailure("unknown protobuf message \(full)") }
                    field.kind = .message(target)
                }
                fields.append(field)
            }
            fields.sort { $0.number < $1.number }
            var slots = [Int16](repeating: -1, count: (fields.last?.number ?? 0) + 1)
            for (j, f) in fields.enumerated() { slots[f.number] = Int16(j) }
            messages[i].fields = fields
            messages[i].slots = slots
        }
    }
}
