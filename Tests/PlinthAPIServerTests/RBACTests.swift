import Crypto
import Foundation
import PlinthJSON
import Testing
@testable import PlinthAPIServer

@Suite("RBAC rules, bindings and aggregation")
struct RBACTests {
    let alice = UserInfo(username: "alice", groups: ["devs", "system:authenticated"])

    func attrs(_ verb: String, _ resource: String, sub: String? = nil, name: String? = nil, ns: String? = "dev", group: String = "") -> AuthorizationAttributes {
        AuthorizationAttributes(user: alice, verb: verb, namespace: ns, group: group, resource: resource, subresource: sub, name: name)
    }

    @Test func ruleMatchingFollowsUpstream() {
        let pods = PolicyRule(verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "pods/log"])
        #expect(pods.allows(attrs("get", "pods", name: "p")))
        #expect(pods.allows(attrs("get", "pods", sub: "log", name: "p")))
        #expect(!pods.allows(attrs("get", "pods", sub: "exec", name: "p")))
        #expect(!pods.allows(attrs("create", "pods")))
        #expect(!pods.allows(attrs("get", "deployments", group: "apps")))
        let anyStatus = PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*/status"])
        #expect(anyStatus.allows(attrs("update", "deployments", sub: "status", name: "d", group: "apps")))
        #expect(!anyStatus.allows(attrs("update", "deployments", name: "d", group: "apps")))
        let named = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"])
        #expect(named.allows(attrs("get", "configmaps", name: "a")))
        #expect(!named.allows(attrs("get", "configmaps", name: "b")))
        #expect(!named.allows(attrs("list", "configmaps")))
        let urls = PolicyRule(verbs: ["get"], nonResourceURLs: ["/healthz", "/apis/*"])
        #expect(urls.allows(AuthorizationAttributes(user: alice, verb: "get", path: "/apis/apps/v1")))
        #expect(urls.allows(AuthorizationAttributes(user: alice, verb: "get", path: "/healthz")))
        #expect(!urls.allows(AuthorizationAttributes(user: alice, verb: "get", path: "/metrics")))
        #expect(!urls.allows(attrs("get", "pods")))
    }

    @Test func bindingsApplyToUsersGroupsAndServiceAccounts() {
        let role: JSON = ["metadata": ["name": "reader"], "rules": [["verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"]]]]
        let local: JSON = ["metadata": ["name": "cm-writer", "namespace": "dev"], "rules": [["verbs": ["create"], "apiGroups": [""], "resources": ["configmaps"]]]]
        let index = RBACIndex(
            clusterRoles: [role], roles: [local],
            clusterRoleBindings: [["metadata": ["name": "everyone-reads"], "roleRef": ["kind": "ClusterRole", "name": "reader"],
                                   "subjects": [["kind": "Group", "name": "readers"]]]],
            roleBindings: [["metadata": ["name": "devs", "namespace": "dev"], "roleRef": ["kind": "Role", "name": "cm-writer"],
                            "subjects": [["kind": "Group", "name": "devs"]]],
                           ["metadata": ["name": "robot", "namespace": "dev"], "roleRef": ["kind": "ClusterRole", "name": "reader"],
                            "subjects": [["kind": "ServiceAccount", "name": "robot", "namespace": "ci"]]]])
        #expect(index.authorize(attrs("create", "configmaps")) == .allow(reason: "RBAC: allowed by RoleBinding \"devs/dev\" of Role \"cm-writer\" to Group \"devs\""))
        #expect(index.authorize(attrs("create", "configmaps", ns: "prod")) == .noOpinion)
        #expect(index.authorize(attrs("list", "pods")) == .noOpinion)
        let reader = UserInfo(username: "r", groups: ["readers"])
        #expect(index.authorize(AuthorizationAttributes(user: reader, verb: "list", namespace: "any", resource: "pods")) != .noOpinion)
        let robot = UserInfo(username: "system:serviceaccount:ci:robot", groups: ["system:serviceaccounts"])
        #expect(index.authorize(AuthorizationAttributes(user: robot, verb: "get", namespace: "dev", resource: "pods", name: "p")) != .noOpinion)
        #expect(index.authorize(AuthorizationAttributes(user: robot, verb: "get", namespace: "ci", resource: "pods", name: "p")) == .noOpinion)
        #expect(index.namespacesWithBindings(for: alice) == ["dev"])
    }

    @Test func aggregationCollectsMatchingRolesOnce() {
        let view: JSON = ["metadata": ["name": "view"],
                          "aggregationRule": ["clusterRoleSelectors": [["matchLabels": ["rbac.authorization.k8s.io/aggregate-to-view": "true"]]]]]
        let a: JSON = ["metadata": ["name": "b-pods", "labels": ["rbac.authorization.k8s.io/aggregate-to-view": "true"]],
                       "rules": [["verbs": ["get"], "apiGroups": [""], "resources": ["pods"]]]]
        let b: JSON = ["metadata": ["name": "a-pods-too", "labels": ["rbac.authorization.k8s.io/aggregate-to-view": "true"]],
                       "rules": [["verbs": ["get"], "apiGroups": [""], "resources": ["pods"]], ["verbs": ["list"], "apiGroups": ["apps"], "resources": ["deployments"]]]]
        let unrelated: JSON = ["metadata": ["name": "other"], "rules": [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]]]]
        let rules = ClusterRoleAggregation.rules(for: view, among: [view, a, b, unrelated])
        #expect(rules == [["verbs": ["get"], "apiGroups": [""], "resources": ["pods"]], ["verbs": ["list"], "apiGroups": ["apps"], "resources": ["deployments"]]])
        #expect(ClusterRoleAggregation.rules(for: unrelated, among: [view, a]) == nil)
    }

    @Test func bootstrapPolicyHasTheUpstreamRoles() {
        let names = Set(BootstrapPolicy.clusterRoles.compactMap { $0.string("metadata", "name") })
        #expect(names.isSuperset(of: ["cluster-admin", "admin", "edit", "view", "system:discovery", "system:basic-user", "system:public-info-viewer"]))
        let bindings = BootstrapPolicy.clusterRoleBindings
        #expect(bindings.contains { $0.string("metadata", "name") == "cluster-admin" && $0[path: ["subjects"]]?.arrayValue?.first?.string("name") == "system:masters" })
    }

    @Test func signingKeysRotateAndOldKeysStillVerify() throws {
        let dir = NSTemporaryDirectory() + "keys-\(UUID().uuidString.prefix(6))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ring = try SigningKeyRing(directory: dir)
        let first = ring.signingKey
        let issuer = TokenIssuer(keys: ring)
        let (token, _) = issuer.sessionToken(username: "alice", groups: [], provider: nil)
        let newKid = try SigningKeyRing.rotate(in: dir, now: Date().addingTimeInterval(1))
        #expect(newKid != first.kid)
        Thread.sleep(forTimeInterval: 1.1)  // unknown ids re-read the directory, at most once a second
        #expect(ring.key(id: newKid) != nil)
        #expect(ring.key(id: first.kid) != nil)
        let decoded = try JSONWebToken.decode(token)
        #expect(decoded.keyID == first.kid)
        // Keys retired longer than the retention period are deleted by a later rotation.
        try SigningKeyRing.rotate(in: dir, now: Date().addingTimeInterval(SigningKeyRing.retention + 10))
        #expect(SigningKeyRing.load(dir).map(\.kid).contains(first.kid) == false)
        #expect(SigningKeyRing.load(dir).count == 2)
    }

    @Test func trustedIssuersCannotClaimSystemIdentities() throws {
        let key = P256.Signing.PrivateKey()
        let issuer = try #require(TrustedIssuer(object: [
            "metadata": ["name": "corp"],
            "spec": ["issuer": "https://idp.test", "audiences": ["plinth"], "jwks": ["keys": [JSONWebKey.jwk(for: key.publicKey, kid: "k1")]],
                     "claimMappings": ["username": ["claim": "sub", "prefix": ""], "groups": ["claim": "groups", "prefix": ""]]],
        ]))
        let now = Int64(Date().timeIntervalSince1970)
        func token(sub: String) throws -> JSONWebToken {
            try JSONWebToken.decode(JSONWebToken.sign(claims: ["iss": "https://idp.test", "aud": "plinth", "sub": .string(sub),
                                                              "groups": ["system:masters", "ops"], "exp": .int(now + 600)], key: key, kid: "k1"))
        }
        let who = try issuer.identity(of: try token(sub: "dana"), now: Date())
        #expect(who.username == "dana" && who.groups == ["ops"])
        #expect(throws: TokenError.self) { try issuer.identity(of: try token(sub: "system:admin"), now: Date()) }
    }

    @Test func passwordsVerifyOnlyThemselves() throws {
        let hash = try PasswordHash.make("s3cret", logRounds: 10)
        #expect(hash.hasPrefix("scrypt$10$8$1$"))
        #expect(PasswordHash.verify("s3cret", against: hash))
        #expect(!PasswordHash.verify("s3cret!", against: hash))
        #expect(!PasswordHash.verify("s3cret", against: "scrypt$10$8$1$bad"))
    }
}
