import Crypto
import Foundation
import PlinthJSON
import Testing

/// People and their permissions as they meet them: an admin adds users, each logs in with
/// `plinth login` and gets contexts for their namespaces, RBAC decides what kubectl may do (with
/// upstream's 403 texts, and `kubectl auth can-i` agreeing), bad tokens get 401, and tokens of a
/// trusted external issuer are exchanged for Plinth tokens.
@Suite("identity and RBAC", .plinthServer)
struct IdentityTests {
    /// A per-test home directory with its own kubeconfig, for one user's kubectl.
    struct UserSession {
        let server: PlinthServer
        let name: String
        let home: String
        var kubeconfig: String { home + "/.kube/config" }

        init(_ server: PlinthServer, _ name: String) throws {
            self.server = server
            self.name = name
            home = NSTemporaryDirectory() + "plinth-user-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        }

        func env(_ extra: [String: String] = [:]) -> [String: String] {
            var e = ProcessInfo.processInfo.environment
            e["HOME"] = home
            e["KUBECONFIG"] = kubeconfig
            e["XDG_CACHE_HOME"] = home + "/.cache"
            for (k, v) in extra { e[k] = v }
            return e
        }

        func plinth(_ args: [String], password: String? = nil) throws -> CommandResult {
            try CommandResult.run(PlinthServer.binary, args, environment: env(password.map { ["PLINTH_PASSWORD": $0] } ?? [:]), timeout: 60)
        }

        func login(password: String, exec: Bool = false) throws -> CommandResult {
            try plinth(["login", "--server", server.url, "-u", name, "--certificate-authority", server.caPath] + (exec ? ["--exec"] : []),
                       password: password)
        }

        func kubectl(_ args: String...) throws -> CommandResult {
            try CommandResult.run("/usr/bin/kubectl", args, environment: env(), timeout: 60)
        }
    }

    /// The server's audit log, one Event per line.
    static func auditEvents(_ s: PlinthServer) throws -> [JSON] {
        let text = try String(contentsOfFile: s.dataDir + "/audit.log", encoding: .utf8)
        return try text.split(separator: "\n").map { try JSON.parse(Array($0.utf8)) }
    }

    /// `plinth user …` as the admin.
    func admin(_ s: PlinthServer, _ args: [String], password: String? = nil) throws -> CommandResult {
        var env = ProcessInfo.processInfo.environment
        env["KUBECONFIG"] = s.kubeconfig
        if let password { env["PLINTH_PASSWORD"] = password }
        let r = try CommandResult.run(PlinthServer.binary, args, environment: env, timeout: 60)
        #expect(r.status == 0, "plinth \(args.joined(separator: " ")): \(r.stderr)")
        return r
    }

    func suffix() -> String { String(UUID().uuidString.prefix(5)).lowercased() }

    @Test func editorsAndViewersGetWhatTheirBindingsSay() throws {
        let s = try sharedServer()
        let id = suffix()
        let (alice, bob) = ("alice-\(id)", "bob-\(id)")
        let (dev, prod) = ("dev-\(id)", "prod-\(id)")
        try admin(s, ["user", "add", alice], password: "alice-pw")
        try admin(s, ["user", "add", bob, "--group", "viewers-\(id)"], password: "bob-pw")
        let listed = try admin(s, ["user", "list"])
        #expect(listed.stdout.contains(alice) && listed.stdout.contains("viewers-\(id)"))
        for ns in [dev, prod] { #expect(try s.kubectl("create", "namespace", ns).status == 0) }
        #expect(try s.kubectl("create", "rolebinding", "alice-edit", "--clusterrole=edit", "--user=\(alice)", "-n", dev).status == 0)
        #expect(try s.kubectl("create", "rolebinding", "viewers", "--clusterrole=view", "--group=viewers-\(id)", "-n", dev).status == 0)

        let a = try UserSession(s, alice)
        let wrong = try a.login(password: "nope")
        #expect(wrong.status != 0 && wrong.stderr.contains("wrong user name or password"))
        let loggedIn = try a.login(password: "alice-pw")
        #expect(loggedIn.status == 0, "\(loggedIn.stderr)")
        let contexts = try a.kubectl("config", "get-contexts", "-o", "name").stdout.split(separator: "\n").map(String.init)
        #expect(contexts.contains(dev) && !contexts.contains(prod), "\(contexts)")
        #expect(contexts.contains { $0.hasPrefix("127.0.0.1:") })

        #expect(try a.kubectl("--context", dev, "create", "deployment", "web", "--image=busybox").status == 0)
        let refused = try a.kubectl("--context", dev, "-n", prod, "create", "deployment", "web", "--image=busybox")
        #expect(refused.stderr.contains("deployments.apps is forbidden: User \"\(alice)\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"\(prod)\""), "\(refused.stderr)")
        #expect(try a.kubectl("--context", dev, "auth", "can-i", "create", "deployments").stdout == "yes\n")
        #expect(try a.kubectl("--context", dev, "auth", "can-i", "create", "deployments", "-n", prod).stdout == "no\n")
        #expect(try a.kubectl("--context", dev, "get", "secrets").status == 0)

        let b = try UserSession(s, bob)
        #expect(try b.login(password: "bob-pw", exec: true).status == 0)
        #expect(try b.kubectl("--context", dev, "get", "deployments", "-o", "name").stdout == "deployment.apps/web\n")
        let create = try b.kubectl("--context", dev, "create", "configmap", "x")
        #expect(create.stderr.contains("configmaps is forbidden: User \"\(bob)\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"\(dev)\""), "\(create.stderr)")
        let secrets = try b.kubectl("--context", dev, "get", "secrets")
        #expect(secrets.stderr == "Error from server (Forbidden): secrets is forbidden: User \"\(bob)\" cannot list resource \"secrets\" in API group \"\" in the namespace \"\(dev)\"\n")
        #expect(try b.kubectl("--context", dev, "auth", "can-i", "list", "deployments").stdout == "yes\n")
        #expect(try b.kubectl("--context", dev, "auth", "can-i", "create", "configmaps").stdout == "no\n")
        #expect(try b.kubectl("--context", dev, "auth", "can-i", "get", "secrets").stdout == "no\n")
        let listed2 = try b.kubectl("--context", dev, "auth", "can-i", "--list")
        #expect(listed2.stdout.contains("deployments.apps") && listed2.stdout.contains("[get list watch]"), "\(listed2.stdout)")
        let whoami = try b.kubectl("--context", dev, "auth", "whoami", "-o", "json")
        let info = try JSON.parse(Array(whoami.stdout.utf8))
        #expect(info.string("status", "userInfo", "username") == bob)
        #expect(info[path: ["status", "userInfo", "groups"]] == .array([.string("viewers-\(id)"), "system:authenticated"]))

        // The audit log has who did what to which object, with the response code.
        Thread.sleep(forTimeInterval: 0.3)
        let events = try Self.auditEvents(s)
        #expect(events.contains { $0.string("user", "username") == alice && $0.string("verb") == "create"
            && $0.string("objectRef", "resource") == "deployments" && $0.string("objectRef", "namespace") == dev
            && $0[path: ["responseStatus", "code"]]?.intValue == 201 })
        #expect(events.contains { $0.string("user", "username") == alice && $0.string("objectRef", "namespace") == prod
            && $0[path: ["responseStatus", "code"]]?.intValue == 403 })
        #expect(events.contains { $0.string("user", "username") == bob && $0.string("verb") == "list"
            && $0.string("objectRef", "resource") == "secrets" && $0[path: ["responseStatus", "code"]]?.intValue == 403 })

        // A deleted user's token stops working (after the ten-second authentication cache).
        try admin(s, ["user", "del", bob])
        Thread.sleep(forTimeInterval: 11)
        let gone = try b.kubectl("--context", dev, "get", "deployments")
        #expect(gone.status != 0 && gone.stderr.contains("You must be logged in to the server"), "\(gone.stderr)")

        // logout removes what login wrote.
        #expect(try a.plinth(["logout"]).status == 0)
        let after = try a.kubectl("config", "get-contexts", "-o", "name").stdout
        #expect(!after.contains(dev), "\(after)")
    }

    @Test func kubectlPluginLogsIn() throws {
        let s = try sharedServer()
        let id = suffix()
        try admin(s, ["user", "add", "erin-\(id)"], password: "erin-pw")
        let u = try UserSession(s, "erin-\(id)")
        let bin = u.home + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/kubectl-plinth", withDestinationPath: PlinthServer.binary)
        var env = u.env(["PLINTH_PASSWORD": "erin-pw"])
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        let r = try CommandResult.run("/usr/bin/kubectl", ["plinth", "login", "--server", s.url, "-u", "erin-\(id)", "--insecure-skip-tls-verify"],
                                      environment: env, timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Logged in as erin-\(id)"))
        let whoami = try u.kubectl("--context", s.url.replacingOccurrences(of: "https://", with: ""), "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
        #expect(whoami.stdout == "erin-\(id)", "\(whoami.stderr)")
    }

    /// The server's current signing key, read from its data directory (what an attacker lacks).
    func serverKey(_ s: PlinthServer) throws -> (P256.Signing.PrivateKey, String) {
        let dir = s.dataDir + "/signing-keys"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".pem") }.sorted().last)
        let key = try P256.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: dir + "/" + name, encoding: .utf8))
        let kid = String(name.dropFirst(name.firstIndex(of: "-")!.utf16Offset(in: name) + 1).dropLast(4))
        return (key, kid)
    }

    static func b64url(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func sign(_ claims: JSON, key: P256.Signing.PrivateKey, kid: String) throws -> String {
        let header: JSON = ["alg": "ES256", "kid": .string(kid), "typ": "JWT"]
        let input = b64url(header.serialized()) + "." + b64url(claims.serialized())
        let sig = try key.signature(for: Array(input.utf8))
        return input + "." + b64url(sig.rawRepresentation)
    }

    @Test func expiredAndTamperedTokensAreRefused() async throws {
        let s = try sharedServer()
        let id = suffix()
        try admin(s, ["user", "add", "frank-\(id)"], password: "frank-pw")
        let (key, kid) = try serverKey(s)
        let now = Int64(Date().timeIntervalSince1970)
        func token(exp: Int64, sub: String = "frank-\(id)") throws -> String {
            try Self.sign(["iss": "plinth", "aud": ["plinth"], "sub": .string(sub), "iat": .int(now - 7200), "nbf": .int(now - 7200), "exp": .int(exp)], key: key, kid: kid)
        }
        let valid = try token(exp: now + 600)
        #expect(try s.kubectl("--token", valid, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").stdout == "frank-\(id)")
        let expired = try s.kubectl("--token", try token(exp: now - 3600), "get", "ns")
        #expect(expired.stderr.contains("You must be logged in to the server"), "\(expired.stderr)")
        // The same claims with another subject, keeping the original signature.
        let parts = valid.split(separator: ".").map(String.init)
        let forgedClaims: JSON = ["iss": "plinth", "aud": ["plinth"], "sub": "admin", "iat": .int(now), "nbf": .int(now), "exp": .int(now + 600)]
        let tampered = parts[0] + "." + Self.b64url(forgedClaims.serialized()) + "." + parts[2]
        #expect(try s.kubectl("--token", tampered, "get", "ns").stderr.contains("You must be logged in to the server"))
        let signedByOther = try Self.sign(["iss": "plinth", "aud": ["plinth"], "sub": .string("frank-\(id)"), "exp": .int(now + 600)],
                                          key: P256.Signing.PrivateKey(), kid: kid)
        #expect(try s.kubectl("--token", signedByOther, "get", "ns").stderr.contains("You must be logged in to the server"))
        // Raw HTTP: the 401 Status object.
        let (status, body) = try await APIClient.with(s, token: tampered) { try await $0.send(.GET, "/api/v1/namespaces") }
        #expect(status == 401 && body?.string("reason") == "Unauthorized")
    }

    @Test func trustedIssuerTokensAreAcceptedAndExchanged() async throws {
        let s = try sharedServer()
        let id = suffix()
        let idpKey = P256.Signing.PrivateKey()
        let x963 = Array(idpKey.publicKey.x963Representation)
        let issuer = "https://idp-\(id).example.test"
        let provider = """
            apiVersion: plinth.dev/v1alpha1
            kind: IdentityProvider
            metadata: {name: corp-\(id)}
            spec:
              issuer: \(issuer)
              audiences: [plinth]
              claimMappings:
                username: {claim: email, prefix: ""}
                groups: {claim: groups, prefix: "corp:"}
              jwks:
                keys:
                - {kty: EC, crv: P-256, kid: k1, use: sig, "x": "\(Self.b64url(x963[1...32]))", "y": "\(Self.b64url(x963[33...64]))"}
            """
        let applied = try s.kubectl(["apply", "-f", "-"], stdin: provider)
        #expect(applied.status == 0, "\(applied.stderr)")
        let now = Int64(Date().timeIntervalSince1970)
        let external = try Self.sign(["iss": .string(issuer), "aud": "plinth", "sub": "u-1", "email": .string("dana-\(id)@example.test"),
                                      "groups": ["ops"], "iat": .int(now), "exp": .int(now + 600)], key: idpKey, kid: "k1")
        let ns = try s.makeNamespace("ops")
        #expect(try s.kubectl("create", "rolebinding", "ops-view", "--clusterrole=view", "--group=corp:ops", "-n", ns).status == 0)

        // Used directly as a bearer token.
        let direct = try s.kubectl("--token", external, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}")
        #expect(direct.stdout == "dana-\(id)@example.test [\"corp:ops\",\"system:authenticated\"]", "\(direct.stderr)")

        // Exchanged (RFC 8693) for a Plinth session token.
        let form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=\(external)&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt"
        let (status, body) = try await APIClient.with(s, token: "") {
            try await $0.send(.POST, "/wcp/token", raw: form, contentType: "application/x-www-form-urlencoded")
        }
        #expect(status == 200)
        #expect(body?.string("issued_token_type") == "urn:ietf:params:oauth:token-type:jwt" && body?.string("token_type") == "Bearer")
        let exchanged = try #require(body?.string("access_token"))
        #expect(exchanged != external)
        #expect(try s.kubectl("--token", exchanged, "get", "configmaps", "-n", ns).status == 0)
        #expect(try s.kubectl("--token", exchanged, "auth", "can-i", "create", "configmaps", "-n", ns).stdout == "no\n")

        // Claims cannot smuggle in system groups (a groups prefix of "" would otherwise allow it).
        let sneaky = try Self.sign(["iss": .string(issuer), "aud": "plinth", "email": .string("eve-\(id)@example.test"),
                                    "groups": ["system:masters"], "exp": .int(now + 600)], key: idpKey, kid: "k1")
        #expect(try s.kubectl("--token", sneaky, "auth", "whoami", "-o", "jsonpath={.status.userInfo.groups}").stdout == "[\"corp:system:masters\",\"system:authenticated\"]")

        // A token from an issuer nobody trusts is refused by both paths.
        let rogue = try Self.sign(["iss": "https://rogue.example.test", "aud": "plinth", "email": "x@y", "exp": .int(now + 600)], key: idpKey, kid: "k1")
        #expect(try s.kubectl("--token", rogue, "get", "ns").stderr.contains("You must be logged in to the server"))
        let (rogueStatus, rogueBody) = try await APIClient.with(s, token: "") {
            try await $0.send(.POST, "/wcp/token", raw: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=\(rogue)",
                              contentType: "application/x-www-form-urlencoded")
        }
        #expect(rogueStatus == 400 && rogueBody?.string("error") == "invalid_grant")
    }

    @Test func serviceAccountTokensAreBoundToTheirAccount() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("sa")
        #expect(try s.kubectl("create", "serviceaccount", "robot", "-n", ns).status == 0)
        let created = try s.kubectl("create", "token", "robot", "-n", ns, "--duration=20m")
        #expect(created.status == 0, "\(created.stderr)")
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try s.kubectl("--token", token, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").stdout == "system:serviceaccount:\(ns):robot")
        #expect(try s.kubectl("--token", token, "auth", "can-i", "list", "pods", "-n", ns).stdout == "no\n")
        let short = try s.kubectl("create", "token", "robot", "-n", ns, "--duration=5m")
        #expect(short.stderr.contains("may not specify a duration less than 10 minutes"), "\(short.stderr)")
        #expect(try s.kubectl("delete", "serviceaccount", "robot", "-n", ns).status == 0)
        Thread.sleep(forTimeInterval: 11)
        #expect(try s.kubectl("--token", token, "get", "pods", "-n", ns).stderr.contains("You must be logged in to the server"))
    }

    @Test func defaultRolesAreAggregated() throws {
        let s = try sharedServer()
        let edit = try JSON.parse(Array(try s.kubectl("get", "clusterrole", "edit", "-o", "json").stdout.utf8))
        let rules = edit["rules"]?.arrayValue ?? []
        #expect(rules.contains { ($0["resources"]?.arrayValue ?? []).contains("deployments") && ($0["verbs"]?.arrayValue ?? []).contains("create") })
        #expect(rules.contains { ($0["apiGroups"]?.arrayValue ?? []).contains("vmoperator.plinth.dev") })
        #expect(!rules.contains { ($0["resources"]?.arrayValue ?? []).contains("rolebindings") })
    }
}
