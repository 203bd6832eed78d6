import PlinthJSON

/// Who made a request, as `kubectl auth whoami` shows it.
public struct UserInfo: Sendable, Equatable {
    public var username: String
    public var uid: String
    public var groups: [String]
    public var extra: [String: [String]]

    public init(username: String, uid: String = "", groups: [String], extra: [String: [String]] = [:]) {
        self.username = username
        self.uid = uid
        self.groups = groups
        self.extra = extra
    }

    public static let anonymous = UserInfo(username: "system:anonymous", groups: ["system:unauthenticated"])

    /// The `UserInfo` object of reviews and audit events.
    public var json: JSON {
        var o = JSONObject()
        o["username"] = .string(username)
        if !uid.isEmpty { o["uid"] = .string(uid) }
        o["groups"] = .array(groups.map { .string($0) })
        if !extra.isEmpty {
            var e = JSONObject()
            for (k, v) in extra.sorted(by: { $0.key < $1.key }) { e[k] = .array(v.map { .string($0) }) }
            o["extra"] = .object(e)
        }
        return .object(o)
    }
}

/// Turns request credentials into a user. Implementations: the admin token now; JWTs,
/// ServiceAccount tokens and OIDC in the identity issue. nil = these credentials are not mine.
public protocol Authenticator: Sendable {
    func authenticate(bearerToken: String) async -> UserInfo?
}

/// The admin bearer token written into `admin.kubeconfig`.
public struct AdminTokenAuthenticator: Authenticator {
    let token: String
    public init(token: String) { self.token = token }

    public func authenticate(bearerToken: String) async -> UserInfo? {
        guard bearerToken.utf8.count == token.utf8.count else { return nil }
        // Constant-time compare.
        var diff: UInt8 = 0
        for (a, b) in zip(bearerToken.utf8, token.utf8) { diff |= a ^ b }
        return diff == 0 ? UserInfo(username: "plinth-admin", groups: ["system:masters", "system:authenticated"]) : nil
    }
}

/// Tries each authenticator in turn.
public struct UnionAuthenticator: Authenticator {
    let members: [any Authenticator]
    public init(_ members: [any Authenticator]) { self.members = members }
    public func authenticate(bearerToken: String) async -> UserInfo? {
        for m in members { if let u = await m.authenticate(bearerToken: bearerToken) { return u } }
        return nil
    }
}

/// What a request wants to do, in RBAC's terms.
public struct AuthorizationAttributes: Sendable {
    public var user: UserInfo
    public var verb: String
    public var namespace: String?
    public var group: String
    public var resource: String
    public var subresource: String?
    public var name: String?
    /// For non-resource requests (`/healthz`, `/version`).
    public var path: String?

    public init(user: UserInfo, verb: String, namespace: String? = nil, group: String = "", resource: String = "",
                subresource: String? = nil, name: String? = nil, path: String? = nil) {
        self.user = user
        self.verb = verb
        self.namespace = namespace
        self.group = group
        self.resource = resource
        self.subresource = subresource
        self.name = name
        self.path = path
    }
}

public enum AuthorizationDecision: Sendable, Equatable {
    case allow(reason: String)
    case deny(reason: String)
    case noOpinion
}

/// Decides whether a request may proceed.
public protocol Authorizer: Sendable {
    func authorize(_ attributes: AuthorizationAttributes) async -> AuthorizationDecision
}

/// An authorizer that can list what it allows a user (SelfSubjectRulesReview, `kubectl auth can-i --list`).
public protocol RuleResolver: Sendable {
    func rules(for user: UserInfo, namespace: String?) async -> [PolicyRule]
}

/// `system:masters` may do anything (as upstream); everyone else has no opinion from here.
public struct SystemMastersAuthorizer: Authorizer, RuleResolver {
    public init() {}
    public func rules(for user: UserInfo, namespace: String?) async -> [PolicyRule] {
        guard user.groups.contains("system:masters") else { return [] }
        return [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"]), PolicyRule(verbs: ["*"], nonResourceURLs: ["*"])]
    }
    public func authorize(_ a: AuthorizationAttributes) async -> AuthorizationDecision {
        a.user.groups.contains("system:masters") ? .allow(reason: "") : .noOpinion
    }
}

/// Asks each authorizer in turn; the first that allows or denies decides.
public struct UnionAuthorizer: Authorizer, RuleResolver {
    public func rules(for user: UserInfo, namespace: String?) async -> [PolicyRule] {
        var out: [PolicyRule] = []
        for case let m as any RuleResolver in members { out += await m.rules(for: user, namespace: namespace) }
        return out
    }

    let members: [any Authorizer]
    public init(_ members: [any Authorizer]) { self.members = members }
    public func authorize(_ a: AuthorizationAttributes) async -> AuthorizationDecision {
        for m in members {
            let d = await m.authorize(a)
            if case .noOpinion = d { continue }
            return d
        }
        return .noOpinion
    }
}
