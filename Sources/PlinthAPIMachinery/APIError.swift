import PlinthJSON

/// An error rendered as a Kubernetes `Status` object, with upstream reasons, codes and messages.
public struct APIError: Error, Sendable, Equatable {
    public struct Cause: Sendable, Equatable {
        public var reason: String
        public var message: String
        public var field: String?
        public init(reason: String, message: String, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    public var code: Int
    public var reason: String
    public var message: String
    public var name: String?
    public var group: String?
    /// The plural resource name (upstream puts it in `details.kind`).
    public var kind: String?
    public var causes: [Cause]
    public var retryAfterSeconds: Int?

    public init(code: Int, reason: String, message: String, name: String? = nil, group: String? = nil,
                kind: String? = nil, causes: [Cause] = [], retryAfterSeconds: Int? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The Status object, keys in upstream order.
    public var status: JSON {
        var o = JSONObject()
        o.appendUnchecked("kind", "Status")
        o.appendUnchecked("apiVersion", "v1")
        o.appendUnchecked("metadata", .object(JSONObject()))
        o.appendUnchecked("status", "Failure")
        o.appendUnchecked("message", .string(message))
        o.appendUnchecked("reason", .string(reason))
        var details = JSONObject()
        if let name { details.appendUnchecked("name", .string(name)) }
        if let group, !group.isEmpty { details.appendUnchecked("group", .string(group)) }
        if let kind { details.appendUnchecked("kind", .string(kind)) }
        if !causes.isEmpty {
            details.appendUnchecked("causes", .array(causes.map { c in
                var co = JSONObject()
                co.appendUnchecked("reason", .string(c.reason))
                co.appendUnchecked("message", .string(c.message))
                if let f = c.field { co.appendUnchecked("field", .string(f)) }
                return .object(co)
            }))
        }
        if let retryAfterSeconds { details.appendUnchecked("retryAfterSeconds", .int(Int64(retryAfterSeconds))) }
        if !details.isEmpty { o.appendUnchecked("details", .object(details)) }
        o.appendUnchecked("code", .int(Int64(code)))
        return .object(o)
    }
}

extension APIError {
    public static func notFound(_ r: ResourceType, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(r.qualifiedResource) \"\(name)\" not found",
                 name: name, group: r.group, kind: r.plural)
    }

    public static func alreadyExists(_ r: ResourceType, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(r.qualifiedResource) \"\(name)\" already exists",
                 name: name, group: r.group, kind: r.plural)
    }

    public static func conflict(_ r: ResourceType, _ name: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(r.qualifiedResource) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                 name: name, group: r.group, kind: r.plural)
    }

    public static func conflict(_ r: ResourceType, _ name: String, detail: String) -> APIError {
        APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(r.qualifiedResource) \"\(name)\": \(detail)",
                 name: name, group: r.group, kind: r.plural)
    }

    /// A failed delete precondition, named by kind as upstream's BeforeDelete does
    /// (`Operation cannot be fulfilled on Deployment.apps "x": …`).
    public static func preconditionFailed(_ r: ResourceType, _ name: String, _ detail: String) -> APIError {
        let groupKind = r.group.isEmpty ? r.kind : "\(r.kind).\(r.group)"
        return APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(groupKind) \"\(name)\": \(detail)",
                        name: name, group: r.group, kind: r.kind)
    }

    /// 422 Invalid: `ConfigMap "x" is invalid: [field: reason, …]` with one cause per error.
    public static func invalid(_ r: ResourceType, kind: String? = nil, _ name: String, _ errors: [FieldError]) -> APIError {
        let kindName = kind ?? r.kind
        let groupKind = r.group.isEmpty ? kindName : "\(kindName).\(r.group)"
        let list = errors.map(\.description)
        let summary = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        return APIError(code: 422, reason: "Invalid", message: "\(groupKind) \"\(name)\" is invalid: \(summary)",
                        name: name, group: r.group, kind: kindName,
                        causes: errors.map { Cause(reason: $0.type.causeReason, message: $0.causeMessage, field: $0.field) })
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    public static func forbidden(_ message: String, name: String? = nil, group: String? = nil, kind: String? = nil) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: message, name: name, group: group, kind: kind)
    }

    public static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    public static func methodNotSupported(_ r: ResourceType, verb: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "\(verb) is not supported on resources of kind \"\(r.qualifiedResource)\"",
                 group: r.group, kind: r.plural)
    }

    public static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
                 causes: [Cause(reason: "", message: message)])
    }

    public static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf")
    }

    public static func notAcceptable(_ accept: String) -> APIError {
        APIError(code: 406, reason: "NotAcceptable", message: "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf")
    }

    public static func requestEntityTooLarge(limit: Int) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(limit)")
    }

    public static func pathNotFound() -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
    }

    public static func timeout(_ message: String) -> APIError {
        APIError(code: 504, reason: "Timeout", message: message)
    }
}
