import HTTPTypes
import Hummingbird
import NIOCore
import PlinthAPIMachinery
import PlinthJSON

extension Response {
    /// Adds RFC 7234 `Warning` headers (code 299), as the apiserver sends them.
    func withWarnings(_ warnings: [String]) -> Response {
        guard !warnings.isEmpty else { return self }
        var r = self
        for w in warnings {
            let escaped = w.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            r.headers.append(HTTPField(name: HTTPField.Name("Warning")!, value: "299 - \"\(escaped)\""))
        }
        return r
    }
}

/// Helpers that build the server's responses.
enum APIResponse {
    static let jsonContentType = "application/json"

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8], contentType: String = jsonContentType, extraHeaders: HTTPFields = [:]) -> Response {
        var headers = extraHeaders
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-cache, private"
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSON) -> Response {
        json(status, value.serialized())
    }

    static func error(_ e: APIError) -> Response {
        var headers: HTTPFields = [:]
        if let retry = e.retryAfterSeconds { headers[.retryAfter] = String(retry) }
        return json(HTTPResponse.Status(code: e.code), e.status.serialized(), extraHeaders: headers)
    }

    static func text(_ status: HTTPResponse.Status, _ s: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-cache, private"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: s)))
    }

    /// A Status object for a successful deletion (upstream returns this for immediate deletes).
    static func successStatus(name: String, group: String, kind: String, uid: String?) -> JSON {
        var details = JSONObject()
        details.appendUnchecked("name", .string(name))
        if !group.isEmpty { details.appendUnchecked("group", .string(group)) }
        details.appendUnchecked("kind", .string(kind))
        if let uid { details.appendUnchecked("uid", .string(uid)) }
        var o = JSONObject()
        o.appendUnchecked("kind", "Status")
        o.appendUnchecked("apiVersion", "v1")
        o.appendUnchecked("metadata", .object(JSONObject()))
        o.appendUnchecked("status", "Success")
        o.appendUnchecked("details", .object(details))
        return .object(o)
    }
}
