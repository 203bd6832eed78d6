import Foundation
import PlinthJSON

/// An external OIDC issuer whose tokens Plinth accepts, from an `IdentityProvider` object
/// (`plinth.dev/v1alpha1`, cluster-scoped): `spec.issuer`, `spec.audiences`, `spec.jwks` (the
/// issuer's JWK set) and `spec.claimMappings` (`username.claim`/`prefix`, `groups.claim`/`prefix`),
/// named as in upstream's structured authentication configuration.
public struct TrustedIssuer: Sendable {
    public var name: String
    public var issuer: String
    public var audiences: Set<String>
    public var keys: JSONWebKeySet
    public var usernameClaim: String
    public var usernamePrefix: String
    public var groupsClaim: String
    public var groupsPrefix: String

    public init?(object: JSON) {
        guard let name = object.string("metadata", "name"), let spec = object["spec"], let issuer = spec["issuer"]?.stringValue,
              let jwks = spec["jwks"], let keys = try? JSONWebKeySet(json: jwks) else { return nil }
        self.name = name
        self.issuer = issuer
        self.audiences = Set((spec["audiences"]?.arrayValue ?? []).compactMap(\.stringValue))
        self.keys = keys
        usernameClaim = spec.string("claimMappings", "username", "claim") ?? "sub"
        // Upstream's default: claims other than email are prefixed with the issuer and '#'.
        usernamePrefix = spec.string("claimMappings", "username", "prefix") ?? (usernameClaim == "email" ? "" : issuer + "#")
        groupsClaim = spec.string("claimMappings", "groups", "claim") ?? "groups"
        groupsPrefix = spec.string("claimMappings", "groups", "prefix") ?? ""
    }

    /// Verifies a token this issuer signed and maps its claims to a user name and groups.
    public func identity(of token: JSONWebToken, now: Date) throws(TokenError) -> (username: String, groups: [String]) {
        try token.verify(with: keys)
        try token.validate(issuer: issuer, audiences: audiences, now: now)
        guard let user = token.claims[usernameClaim]?.stringValue, !user.isEmpty else { throw TokenError.missingClaim(usernameClaim) }
        let groups: [String]
        switch token.claims[groupsClaim] {
        case .array(let a)?: groups = a.compactMap(\.stringValue)
        case .string(let s)?: groups = [s]
        default: groups = []
        }
        // As upstream's JWT authenticator: an external issuer cannot speak for system identities.
        let name = usernamePrefix + user
        guard !name.hasPrefix("system:") else { throw TokenError.malformed("username \"\(name)\" is reserved for system identities") }
        return (name, groups.map { groupsPrefix + $0 }.filter { !$0.hasPrefix("system:") })
    }
}
