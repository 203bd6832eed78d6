/// One validation failure at a field path, worded as apimachinery's `field.Error`.
public struct FieldError: Sendable, Equatable, CustomStringConvertible {
    public enum ErrorType: Sendable, Equatable {
        case required, invalid, notSupported, duplicate, forbidden, tooLong, tooMany, typeInvalid

        var causeReason: String {
            switch self {
            case .required: return "FieldValueRequired"
            case .invalid: return "FieldValueInvalid"
            case .notSupported: return "FieldValueNotSupported"
            case .duplicate: return "FieldValueDuplicate"
            case .forbidden: return "FieldValueForbidden"
            case .tooLong: return "FieldValueTooLong"
            case .tooMany: return "FieldValueTooMany"
            case .typeInvalid: return "FieldValueTypeInvalid"
            }
        }
    }

    public var type: ErrorType
    public var field: String
    /// The offending value, already rendered (quoted for strings) — nil when not shown.
    public var value: String?
    public var detail: String

    public init(_ type: ErrorType, field: String, value: String? = nil, detail: String = "") {
        self.type = type
        self.field = field
        self.value = value
        self.detail = detail
    }

    public static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(.required, field: field, detail: detail)
    }

    public static func invalid(_ field: String, _ value: String, _ detail: String) -> FieldError {
        FieldError(.invalid, field: field, value: "\"" + value + "\"", detail: detail)
    }

    /// The text after the field name: `Required value`, `Invalid value: "x": detail`, …
    public var causeMessage: String {
        switch type {
        case .required: return detail.isEmpty ? "Required value" : "Required value: \(detail)"
        case .forbidden: return detail.isEmpty ? "Forbidden" : "Forbidden: \(detail)"
        case .tooLong: return detail.isEmpty ? "Too long" : "Too long: \(detail)"
        case .tooMany:
            let count = value.map { ": " + $0 } ?? ""
            return detail.isEmpty ? "Too many" + count : "Too many\(count): \(detail)"
        case .duplicate: return "Duplicate value: \(value ?? "")"
        case .notSupported: return "Unsupported value: \(value ?? "")" + (detail.isEmpty ? "" : ": \(detail)")
        case .invalid, .typeInvalid:
            let prefix = type == .invalid ? "Invalid value" : "Invalid value"
            var s = prefix + (value.map { ": " + $0 } ?? "")
            if !detail.isEmpty { s += ": " + detail }
            return s
        }
    }

    public var description: String { "\(field): \(causeMessage)" }
}
