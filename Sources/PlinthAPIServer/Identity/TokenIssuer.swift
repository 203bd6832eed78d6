import Foundation
import PlinthJSON

/// Signs the bearer tokens the server hands out: user session tokens (login and token
/// exchange) and ServiceAccount tokens (TokenRequest). Both are ES256 JWTs from the key ring;
/// they differ in issuer and audience so one can never pass for the other.
public struct TokenIssuer: Sendable {
    /// Issuer and audience of user session tokens.
    public static let userIssuer = "plinth"
    public static let userAudience = "plinth"
    /// Issuer (and default audience) of ServiceAccount tokens, as a default kube-apiserver.
    public static let serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local"
    /// The `kubernetes.io` claim carries the bound objects of ServiceAccount tokens.
    static let kubernetesClaim = "kubernetes.io"

    public let keys: SigningKeyRing
    /// How long a session token lasts (10 hours, as the original).
    public let sessionLifetime: TimeInterval

    public init(keys: SigningKeyRing, sessionLifetime: TimeInterval = 10 * 3600) {
        self.keys = keys
        self.sessionLifetime = sessionLifetime
    }

    /// A session token for `username`. `provider` names the trusted issuer whose token was
    /// exchanged (its groups are carried in the token); nil for directory users, whose groups
    /// are read from the directory on every request.
    public func sessionToken(username: String, groups: [String], provider: String?, now: Date = Date()) -> (token: String, expires: Date) {
        let expires = now.addingTimeInterval(sessionLifetime)
        var claims: JSONObject = [
            "iss": .string(Self.userIssuer), "sub": .string(username), "aud": [.string(Self.userAudience)],
            "iat": .int(Int64(now.timeIntervalSince1970)), "nbf": .int(Int64(now.timeIntervalSince1970)),
            "exp": .int(Int64(expires.timeIntervalSince1970)), "jti": .string(UUID().uuidString.lowercased()),
        ]
        if let provider {
            claims["plinth.dev/provider"] = .string(provider)
            claims["groups"] = .array(groups.map { .string($0) })
        }
        let key = keys.signingKey
        return (JSONWebToken.sign(claims: claims, key: key.privateKey, kid: key.kid), expires)
    }

    /// A ServiceAccount token bound to the account's uid (and optionally to a pod or secret).
    public func serviceAccountToken(namespace: String, name: String, uid: String, audiences: [String], lifetime: TimeInterval,
                                    boundObject: (kind: String, name: String, uid: String)?, now: Date = Date()) -> (token: String, expires: Date) {
        let expires = now.addingTimeInterval(lifetime)
        var kube: JSONObject = ["namespace": .string(namespace), "serviceaccount": ["name": .string(name), "uid": .string(uid)]]
        if let b = boundObject { kube[b.kind.lowercased()] = ["name": .string(b.name), "uid": .string(b.uid)] }
        let claims: JSONObject = [
            "aud": .array(audiences.map { .string($0) }), "exp": .int(Int64(expires.timeIntervalSince1970)),
            "iat": .int(Int64(now.timeIntervalSince1970)), "iss": .string(Self.serviceAccountIssuer),
            "jti": .string(UUID().uuidString.lowercased()), Self.kubernetesClaim: .object(kube),
            "nbf": .int(Int64(now.timeIntervalSince1970)), "sub": .string("system:serviceaccount:\(namespace):\(name)"),
        ]
        let key = keys.signingKey
        return (JSONWebToken.sign(claims: claims, key: key.privateKey, kid: key.kid), expires)
    }
}
