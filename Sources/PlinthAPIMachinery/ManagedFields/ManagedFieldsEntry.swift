import PlinthJSON

/// One `metadata.managedFields` entry: who owns which fields, through which operation.
public struct ManagedFieldsEntry: Equatable, Sendable {
    public var manager: String
    public var operation: String
    public var apiVersion: String
    public var time: String?
    public var fields: FieldSet
    public var subresource: String

    public init(manager: String, operation: String, apiVersion: String, time: String?, fields: FieldSet, subresource: String = "") {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.fields = fields
        self.subresource = subresource
    }

    /// Entries from an object's metadata; nil when they do not decode.
    public static func decode(_ json: JSON?) -> [ManagedFieldsEntry]? {
        guard let list = json?.arrayValue else { return json == nil ? [] : nil }
        var out: [ManagedFieldsEntry] = []
        for e in list {
            guard let op = e["operation"]?.stringValue, op == "Apply" || op == "Update",
                  let apiVersion = e["apiVersion"]?.stringValue, !apiVersion.isEmpty,
                  e["fieldsType"]?.stringValue == "FieldsV1" else { return nil }
            out.append(ManagedFieldsEntry(manager: e["manager"]?.stringValue ?? "", operation: op, apiVersion: apiVersion,
                                          time: e["time"]?.stringValue, fields: FieldSet(fieldsV1: e["fieldsV1"] ?? [:]),
                                          subresource: e["subresource"]?.stringValue ?? ""))
        }
        return out
    }

    public var json: JSON {
        var o = JSONObject()
        o["manager"] = .string(manager)
        o["operation"] = .string(operation)
        o["apiVersion"] = .string(apiVersion)
        if let time { o["time"] = .string(time) }
        o["fieldsType"] = "FieldsV1"
        o["fieldsV1"] = fields.fieldsV1
        if !subresource.isEmpty { o["subresource"] = .string(subresource) }
        return .object(o)
    }

    /// How conflict messages name the manager: Apply managers by name, Update managers with
    /// their version (and subresource).
    public var printed: String {
        if operation == "Apply" { return GoStringFormat.quote(manager) }
        let sub = subresource.isEmpty ? "" : " with subresource \(GoStringFormat.quote(subresource))"
        return "\(GoStringFormat.quote(manager))\(sub) using \(apiVersion)"
    }

    /// Upstream's order: Apply entries first, then oldest first, then by manager, version, subresource.
    static func sorted(_ entries: [ManagedFieldsEntry]) -> [ManagedFieldsEntry] {
        entries.sorted {
            ($0.operation, $0.time ?? "", $0.manager, $0.apiVersion, $0.subresource)
                < ($1.operation, $1.time ?? "", $1.manager, $1.apiVersion, $1.subresource)
        }
    }
}
