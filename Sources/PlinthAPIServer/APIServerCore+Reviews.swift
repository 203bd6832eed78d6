import Hummingbird
import PlinthAPIMachinery
import PlinthJSON

extension APIServerCore {
    /// Create-only review resources: answered from the request, never stored.
    func review(_ r: ResourceType, request: Request, user: UserInfo) async throws(APIError) -> Response {
        let body = try await readBody(request)
        var input = try BodyDecoder.decodeObject(body, mediaType: BodyDecoder.MediaType(request.headers[.contentType]))
        try Self.checkTypeMeta(&input, r)
        var out = input
        out["kind"] = .string(r.kind)
        out["apiVersion"] = .string(r.apiVersion)
        if out["metadata"] == nil { out["metadata"] = .object(JSONObject()) }
        out.objectValue.map { o in
            var o = o
            o.moveToFront(["kind", "apiVersion", "metadata"])
            out = .object(o)
        }
        switch r.kind {
        case "SelfSubjectReview":
            out["status"] = ["userInfo": user.json]
        case "SelfSubjectAccessReview":
            let attrs = Self.attributes(from: input["spec"] ?? [:], user: user)
            out["status"] = try await decisionJSON(attrs)
        case "SubjectAccessReview", "LocalSubjectAccessReview":
            let spec = input["spec"] ?? [:]
            let subject = UserInfo(username: spec["user"]?.stringValue ?? "", uid: spec["uid"]?.stringValue ?? "",
                                   groups: (spec["groups"]?.arrayValue ?? []).compactMap(\.stringValue))
            out["status"] = try await decisionJSON(Self.attributes(from: spec, user: subject))
        case "SelfSubjectRulesReview":
            let rules = await (authorizer as? any RuleResolver)?.rules(for: user, namespace: input.string("spec", "namespace")) ?? []
            var resourceRules: [JSON] = [], nonResourceRules: [JSON] = []
            for r in rules {
                if !r.nonResourceURLs.isEmpty {
                    nonResourceRules.append(["verbs": .array(r.verbs.map { .string($0) }), "nonResourceURLs": .array(r.nonResourceURLs.map { .string($0) })])
                } else {
                    var o: JSONObject = ["verbs": .array(r.verbs.map { .string($0) }), "apiGroups": .array(r.apiGroups.map { .string($0) }),
                                         "resources": .array(r.resources.map { .string($0) })]
                    if !r.resourceNames.isEmpty { o["resourceNames"] = .array(r.resourceNames.map { .string($0) }) }
                    resourceRules.append(.object(o))
                }
            }
            out["status"] = ["resourceRules": .array(resourceRules), "nonResourceRules": .array(nonResourceRules), "incomplete": false]
        case "TokenReview":
            let token = input.string("spec", "token") ?? ""
            if let u = await authenticator.authenticate(bearerToken: token) {
                out["status"] = ["authenticated": true, "user": u.json, "audiences": input[path: ["spec", "audiences"]] ?? []]
            } else {
                out["status"] = ["authenticated": false, "user": [:]]
            }
        default:
            throw APIError.methodNotSupported(r, verb: "create")
        }
        return APIResponse.json(.created, out)
    }

    static func attributes(from spec: JSON, user: UserInfo) -> AuthorizationAttributes {
        if let nr = spec["nonResourceAttributes"] {
            return AuthorizationAttributes(user: user, verb: nr["verb"]?.stringValue ?? "", path: nr["path"]?.stringValue ?? "")
        }
        let ra = spec["resourceAttributes"] ?? [:]
        func s(_ k: String) -> String? { ra[k]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
        return AuthorizationAttributes(user: user, verb: s("verb") ?? "", namespace: s("namespace"), group: s("group") ?? "",
                                       resource: s("resource") ?? "", subresource: s("subresource"), name: s("name"))
    }

    func decisionJSON(_ a: AuthorizationAttributes) async throws(APIError) -> JSON {
        switch await authorizer.authorize(a) {
        case .allow(let reason): return reason.isEmpty ? ["allowed": true] : ["allowed": true, "reason": .string(reason)]
        case .deny(let reason): return ["allowed": false, "denied": true, "reason": .string(reason)]
        case .noOpinion: return ["allowed": false]
        }
    }
}
