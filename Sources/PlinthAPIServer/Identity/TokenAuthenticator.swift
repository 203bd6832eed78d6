import Foundation
import PlinthAPIMachinery
import PlinthJSON
import Synchronization

/// Authenticates bearer JWTs: Plinth's session tokens (directory users must still exist; their
/// groups are read from the directory), ServiceAccount tokens (audience, expiry and binding to
/// the account's uid checked) and tokens of trusted external issuers (`IdentityProvider`
/// objects). Results are cached for ten seconds so a busy client costs one signature check per
/// token, not per request; revocations (deleted users or accounts) take effect within that time.
public final class TokenAuthenticator: Authenticator, Sendable {
    let issuer: TokenIssuer
    let directory: UserDirectory
    let registry: ObjectRegistry
    /// Audiences ServiceAccount tokens must carry one of (upstream's `--api-audiences`).
    let apiAudiences: Set<String>
    private let cache = Mutex<[String: (user: UserInfo, until: ContinuousClock.Instant)]>([:])
    static let cacheTTL: Duration = .seconds(10)

    public init(issuer: TokenIssuer, directory: UserDirectory, registry: ObjectRegistry,
                apiAudiences: Set<String> = [TokenIssuer.serviceAccountIssuer]) {
        self.issuer = issuer
        self.directory = directory
        self.registry = registry
        self.apiAudiences = apiAudiences
    }

    public func authenticate(bearerToken: String) async -> UserInfo? {
        let now = ContinuousClock.now
        if let hit = cache.withLock({ $0[bearerToken] }), hit.until > now { return hit.user }
        guard bearerToken.utf8.count < 16 << 10, let token = try? JSONWebToken.decode(bearerToken),
              let user = try? await verify(token) else { return nil }
        // A token expiring sooner than the cache lifetime is cached only until it expires.
        var until = now + Self.cacheTTL
        if let exp = token.claims["exp"]?.intValue {
            let left = Double(exp) - Date().timeIntervalSince1970
            if left < 10 { until = now + .milliseconds(Int64(max(0, left) * 1000)) }
        }
        cache.withLock { c in
            if c.count >= 10_000 { c.removeAll(keepingCapacity: true) }
            c[bearerToken] = (user, until)
        }
        return user
    }

    /// The user a token names, or why it is refused.
    func verify(_ token: JSONWebToken) async throws(TokenError) -> UserInfo {
        let now = Date()
        switch token.claims["iss"]?.stringValue {
        case TokenIssuer.userIssuer?:
            try verifySignature(token)
            try token.validate(issuer: TokenIssuer.userIssuer, audiences: [TokenIssuer.userAudience], now: now)
            guard let name = token.claims["sub"]?.stringValue else { throw TokenError.missingClaim("sub") }
            if token.claims["plinth.dev/provider"]?.stringValue != nil {
                let groups = (token.claims["groups"]?.arrayValue ?? []).compactMap(\.stringValue)
                return UserInfo(username: name, groups: groups + ["system:authenticated"])
            }
            guard let u = await directory.user(name) else { throw TokenError.revoked }
            return UserInfo(username: name, uid: u.uid, groups: await directory.groups(of: name) + ["system:authenticated"])
        case TokenIssuer.serviceAccountIssuer?:
            try verifySignature(token)
            try token.validate(issuer: TokenIssuer.serviceAccountIssuer, audiences: apiAudiences, now: now)
            guard let kube = token.claims[TokenIssuer.kubernetesClaim], let ns = kube["namespace"]?.stringValue,
                  let name = kube[path: ["serviceaccount", "name"]]?.stringValue,
                  let uid = kube[path: ["serviceaccount", "uid"]]?.stringValue else { throw TokenError.missingClaim(TokenIssuer.kubernetesClaim) }
            guard try await exists("serviceaccounts", namespace: ns, name: name, uid: uid) else { throw TokenError.revoked }
            if let pod = kube["pod"], let podName = pod["name"]?.stringValue, let podUID = pod["uid"]?.stringValue {
                guard try await exists("pods", namespace: ns, name: podName, uid: podUID) else { throw TokenError.revoked }
            }
            return UserInfo(username: "system:serviceaccount:\(ns):\(name)", uid: uid,
                            groups: ["system:serviceaccounts", "system:serviceaccounts:\(ns)", "system:authenticated"])
        case let iss?:
            guard let trusted = await trustedIssuers().first(where: { $0.issuer == iss }) else { throw TokenError.wrongIssuer(iss) }
            let (name, groups) = try trusted.identity(of: token, now: now)
            return UserInfo(username: name, groups: groups + ["system:authenticated"])
        case nil:
            throw TokenError.missingClaim("iss")
        }
    }

    /// RFC 8693 token exchange: a trusted issuer's token (or one of ours) in, the identity to
    /// put in a new session token out.
    public func exchange(_ subjectToken: String) async throws(TokenError) -> (username: String, groups: [String], provider: String?) {
        let token = try JSONWebToken.decode(subjectToken)
        let iss = token.claims["iss"]?.stringValue
        if iss == TokenIssuer.userIssuer {
            let u = try await verify(token)
            return (u.username, u.groups.filter { $0 != "system:authenticated" }, token.claims["plinth.dev/provider"]?.stringValue)
        }
        guard let trusted = await trustedIssuers().first(where: { $0.issuer == iss }) else { throw TokenError.wrongIssuer(iss) }
        let (name, groups) = try trusted.identity(of: token, now: Date())
        return (name, groups, trusted.name)
    }

    func verifySignature(_ token: JSONWebToken) throws(TokenError) {
        guard token.algorithm == "ES256" else { throw TokenError.unsupportedAlgorithm(token.algorithm) }
        guard let kid = token.keyID, let key = issuer.keys.key(id: kid) else { throw TokenError.unknownKeyID(token.keyID) }
        try token.verify(with: JSONWebKeySet(keys: [JSONWebKey(.p256(key.privateKey.publicKey), kid: kid, alg: "ES256")]))
    }

    func exists(_ plural: String, namespace: String, name: String, uid: String) async throws(TokenError) -> Bool {
        guard let r = registry.catalog.lookup(group: "", version: "v1", plural: plural) else { return false }
        guard let o = try? await registry.get(r, namespace: namespace, name: name) else { return false }
        return o.object.string("metadata", "uid") == uid && o.object[path: ["metadata", "deletionTimestamp"]] == nil
    }

    /// The issuers `IdentityProvider` objects trust (none until that kind is served).
    func trustedIssuers() async -> [TrustedIssuer] {
        guard let r = registry.catalog.lookup(group: "plinth.dev", version: "v1alpha1", plural: "identityproviders"),
              let cache = try? registry.cache(r) else { return [] }
        await cache.waitUntilReady()
        return cache.objects().compactMap { TrustedIssuer(object: $0.object) }
    }
}
