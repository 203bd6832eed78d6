import Foundation
import PlinthAPIMachinery
import PlinthJSON

/// Which requests are audited and how much is kept, as upstream's `audit.k8s.io/v1` Policy:
/// the first rule that matches decides the level (None, Metadata, Request, RequestResponse —
/// the last is recorded like Request here). Without a policy file, Plinth audits every request
/// at Metadata except health, metrics, version, discovery and OpenAPI reads.
public struct AuditPolicy: Sendable {
    public enum Level: String, Sendable, Comparable {
        case none = "None", metadata = "Metadata", request = "Request", requestResponse = "RequestResponse"
        static let order: [Level] = [.none, .metadata, .request, .requestResponse]
        public static func < (a: Level, b: Level) -> Bool { order.firstIndex(of: a)! < order.firstIndex(of: b)! }
    }

    struct Rule: Sendable {
        var level: Level
        var users: [String]
        var userGroups: [String]
        var verbs: [String]
        var resources: [(group: String, resources: [String], names: [String])]
        var namespaces: [String]
        var nonResourceURLs: [String]
    }

    var rules: [Rule]

    /// Whether any rule records request bodies (so handlers need to keep them).
    public var keepsBodies: Bool { rules.contains { $0.level >= .request } }

    /// Parses a Policy object (`rules[]` with level, users, userGroups, verbs, resources, namespaces, nonResourceURLs).
    public init(json: JSON) throws {
        guard json.string("kind") == "Policy" else { throw AuditPolicyError("audit policy: kind must be Policy") }
        func strings(_ j: JSON?, _ k: String) -> [String] { (j?[k]?.arrayValue ?? []).compactMap(\.stringValue) }
        rules = try (json["rules"]?.arrayValue ?? []).map { r in
            guard let level = r["level"]?.stringValue.flatMap(Level.init(rawValue:)) else {
                throw AuditPolicyError("audit policy: every rule needs a level of None, Metadata, Request or RequestResponse")
            }
            return Rule(level: level, users: strings(r, "users"), userGroups: strings(r, "userGroups"), verbs: strings(r, "verbs"),
                        resources: (r["resources"]?.arrayValue ?? []).map { ($0["group"]?.stringValue ?? "", strings($0, "resources"), strings($0, "resourceNames")) },
                        namespaces: strings(r, "namespaces"), nonResourceURLs: strings(r, "nonResourceURLs"))
        }
    }

    init(rules: [Rule]) { self.rules = rules }

    /// Reads a policy file (YAML or JSON).
    public init(file: String) throws {
        guard let bytes = FileManager.default.contents(atPath: file) else { throw AuditPolicyError("cannot read audit policy \(file)") }
        do {
            try self.init(json: try BodyDecoder.decodeObject(Array(bytes), mediaType: .yaml))
        } catch let e as APIError {
            throw AuditPolicyError("audit policy \(file): \(e.message)")
        }
    }

    public static let `default` = AuditPolicy(rules: [
        Rule(level: .none, users: [], userGroups: [], verbs: [], resources: [], namespaces: [],
             nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/metrics", "/version", "/api", "/api/*", "/apis", "/apis/*", "/openapi/*"]),
        Rule(level: .metadata, users: [], userGroups: [], verbs: [], resources: [], namespaces: [], nonResourceURLs: []),
    ])

    /// The level for one request (`path` set for non-resource requests).
    public func level(user: UserInfo, verb: String, group: String, resource: String, name: String?, namespace: String?, path: String?) -> Level {
        for r in rules {
            if !r.users.isEmpty && !r.users.contains(user.username) { continue }
            if !r.userGroups.isEmpty && !r.userGroups.contains(where: user.groups.contains) { continue }
            if !r.verbs.isEmpty && !r.verbs.contains(verb) { continue }
            if let path {
                if !r.resources.isEmpty || !r.namespaces.isEmpty { continue }
                if !r.nonResourceURLs.isEmpty && !r.nonResourceURLs.contains(where: { $0 == path || ($0.hasSuffix("*") && path.hasPrefix($0.dropLast())) }) { continue }
            } else {
                if !r.nonResourceURLs.isEmpty { continue }
                if !r.namespaces.isEmpty && !r.namespaces.contains(namespace ?? "") { continue }
                if !r.resources.isEmpty && !r.resources.contains(where: { rs in
                    rs.group == group && (rs.resources.isEmpty || rs.resources.contains(resource) || rs.resources.contains("*"))
                        && (rs.names.isEmpty || name.map(rs.names.contains) == true)
                }) { continue }
            }
            return r.level
        }
        return .none
    }
}

public struct AuditPolicyError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
