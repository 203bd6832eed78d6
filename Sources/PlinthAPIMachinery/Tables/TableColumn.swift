import PlinthJSON

/// One column of a server-side Table (`meta.k8s.io/v1` TableColumnDefinition).
public struct TableColumn: Sendable, Equatable {
    /// The header as upstream words it ("Name", "Ready", "Status", …); kubectl upper-cases it.
    public var name: String
    /// "string", "integer", "number", "boolean" or "date".
    public var type: String
    /// "name" for the object's name column, "" otherwise.
    public var format: String
    public var description: String
    /// 0: always shown; 1: only with `-o wide`.
    public var priority: Int

    public init(name: String, type: String = "string", format: String = "", description: String = "", priority: Int = 0) {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
    }

    /// The column as it appears in a Table's `columnDefinitions` (every field present, as Go
    /// encodes it: none of them is `omitempty`).
    public var tableColumnDefinition: JSON {
        var o = JSONObject()
        o.reserveCapacity(5)
        o.appendUnchecked("name", .string(name))
        o.appendUnchecked("type", .string(type))
        o.appendUnchecked("format", .string(format))
        o.appendUnchecked("description", .string(description))
        o.appendUnchecked("priority", .int(Int64(priority)))
        return .object(o)
    }
}
