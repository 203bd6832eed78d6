import Foundation
import Hummingbird
import PlinthAPIMachinery
import PlinthJSON

/// The login endpoints (`/wcp/…`, the original's paths): HTTP Basic in, session JWT out; RFC 8693
/// token exchange; and the namespaces a user may use, for `plinth login`'s contexts.
extension APIServerCore {
    static let tokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
    static let jwtTokenType = "urn:ietf:params:oauth:token-type:jwt"

    /// Login and token exchange (no bearer token involved); nil for other paths.
    func handleLogin(_ request: Request, path: String) async -> Response? {
        guard let identity else { return nil }
        switch (request.method, path) {
        case (.post, "/wcp/login"):
            guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
                  let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                  let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else {
                return loginRefused()
            }
            let username = String(text[..<colon]), password = String(text[text.index(after: colon)...])
            guard let user = await identity.directory.authenticate(username: username, password: password) else {
                logger.notice("login refused for \(username)")
                return loginRefused()
            }
            let (token, expires) = identity.issuer.sessionToken(username: user.name, groups: [], provider: nil)
            return APIResponse.json(.ok, ["session_id": .string(token), "expires_at": .string(RFC3339.format(seconds: Int64(expires.timeIntervalSince1970)))])
        case (.post, "/wcp/token"):
            let body = request.body
            guard let buffer = try? await body.collect(upTo: 64 << 10) else { return oauthError("invalid_request", "unreadable body") }
            let form = Self.formFields(String(buffer: buffer))
            guard form["grant_type"] == Self.tokenExchangeGrant else {
                return oauthError("unsupported_grant_type", "grant_type must be \(Self.tokenExchangeGrant)")
            }
            guard let subject = form["subject_token"], !subject.isEmpty else { return oauthError("invalid_request", "subject_token is required") }
            if let t = form["requested_token_type"], t != Self.jwtTokenType, t != "urn:ietf:params:oauth:token-type:access_token" {
                return oauthError("invalid_request", "unsupported requested_token_type \(t)")
            }
            do {
                let who = try await identity.tokens.exchange(subject)
                let (token, expires) = identity.issuer.sessionToken(username: who.username, groups: who.groups, provider: who.provider ?? "plinth")
                return APIResponse.json(.ok, [
                    "access_token": .string(token), "issued_token_type": .string(Self.jwtTokenType), "token_type": "Bearer",
                    "expires_in": .int(Int64(expires.timeIntervalSinceNow.rounded())),
                ])
            } catch {
                return oauthError("invalid_grant", "the subject token was refused: \(error)")
            }
        default:
            return nil
        }
    }

    /// `GET /wcp/namespaces`: the namespaces `user` may read, sorted.
    func accessibleNamespaces(_ user: UserInfo) async throws(APIError) -> Response {
        guard let namespaces = catalog.lookup(group: "", version: "v1", plural: "namespaces") else { throw APIError.pathNotFound() }
        let cache = try registry.cache(namespaces)
        await cache.waitUntilReady()
        var names: [String] = []
        for o in cache.objects() {
            let name = o.name
            let a = AuthorizationAttributes(user: user, verb: "get", namespace: name, resource: "namespaces", name: name)
            if case .allow = await authorizer.authorize(a) { names.append(name) }
        }
        return APIResponse.json(.ok, ["namespaces": .array(names.map { .string($0) })])
    }

    func loginRefused() -> Response {
        var r = APIResponse.error(.unauthorized)
        r.headers[.wwwAuthenticate] = "Basic realm=\"plinth\""
        return r
    }

    func oauthError(_ code: String, _ description: String) -> Response {
        APIResponse.json(.badRequest, ["error": .string(code), "error_description": .string(description)])
    }

    /// `application/x-www-form-urlencoded` fields.
    static func formFields(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if let k = kv.first { out[k] = kv.count > 1 ? kv[1] : "" }
        }
        return out
    }
}
