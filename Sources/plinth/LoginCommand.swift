import ArgumentParser
import Crypto
import Foundation
import NIOSSL
import PlinthClient
import PlinthJSON

/// How `plinth login`, `credential` and `logout` reach a server: its URL and TLS trust.
struct ServerTarget: ParsableArguments {
    @Option(name: .long, help: "The server, e.g. https://10.0.0.5:6443.") var server: String
    @Option(name: [.short, .customLong("username")], help: "User name.") var user: String
    @Flag(name: .long, help: "Do not verify the server's certificate (insecure).") var insecureSkipTLSVerify = false
    @Option(name: .long, help: "CA certificate file (PEM) to verify the server with.") var certificateAuthority: String?

    var url: String { server.hasSuffix("/") ? String(server.dropLast()) : server }
    /// `host:port` of the server: names its kubeconfig cluster and context.
    var hostPort: String {
        var s = url
        if let r = s.range(of: "://") { s = String(s[r.upperBound...]) }
        return s
    }

    func client() throws -> APIClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = certificateAuthority {
            guard let pem = readFile(ca) else { throw ValidationError("cannot read \(ca)") }
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(pem))
        }
        if insecureSkipTLSVerify { tls.certificateVerification = .none }
        return APIClient(config: ClientConfig(server: url, tls: tls, authorization: nil))
    }

    /// Logs in with a password; returns the session token and its expiry (RFC 3339).
    func login(_ client: APIClient, password: String) async throws -> (token: String, expires: String) {
        let basic = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        let (status, body) = try await client.send(.POST, "/wcp/login", body: [], authorization: basic)
        guard status == 200, let token = body.string("session_id") else {
            throw ClientError(status == 401 ? "login failed: wrong user name or password" : "login failed: HTTP \(status) \(body.string("message") ?? "")")
        }
        return (token, body.string("expires_at") ?? "")
    }

    /// Where the exec plugin caches the session token between kubectl runs.
    var tokenCachePath: String {
        let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? ((ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.cache")
        let id = SHA256.hash(data: Array("\(url)\n\(user)".utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        return "\(base)/plinth/tokens/\(id).json"
    }

    func cache(token: String, expires: String) throws {
        let path = tokenCachePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let body: JSON = ["token": .string(token), "expires": .string(expires)]
        try body.serializedString().write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
    }

    var kubeconfigUser: String { "plinth:\(user)@\(hostPort)" }
    var kubeconfigCluster: String { "plinth:\(hostPort)" }
}

/// `plinth login`: a session token for a directory user and one kubeconfig context per namespace
/// they may use (plus one for the server), merged into `$KUBECONFIG` or `~/.kube/config`.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Log in to a Plinth server and write kubeconfig contexts for your namespaces.",
        discussion: "The password is read from $PLINTH_PASSWORD or prompted for. With --exec, kubectl runs `plinth credential` to renew the token when it expires instead of keeping it in the kubeconfig.")

    @OptionGroup var target: ServerTarget
    @Flag(name: .long, help: "Write an exec credential plugin entry (tokens renew) instead of the token itself.") var exec = false

    func run() async throws {
        let password = try readPassword()
        let client = try target.client()
        let token: String, expires: String, namespaces: [String]
        do {
            (token, expires) = try await target.login(client, password: password)
            let (status, body) = try await client.send(.GET, "/wcp/namespaces", authorization: "Bearer " + token)
            guard status == 200 else { throw ClientError("listing your namespaces: HTTP \(status) \(body.string("message") ?? "")") }
            namespaces = (body["namespaces"]?.arrayValue ?? []).compactMap(\.stringValue)
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }

        var file = try KubeconfigFile(path: KubeconfigFile.defaultPath)
        var cluster: [String: Any] = ["server": target.url]
        if target.insecureSkipTLSVerify { cluster["insecure-skip-tls-verify"] = true }
        if let ca = target.certificateAuthority, let pem = readFile(ca) { cluster["certificate-authority-data"] = Data(pem).base64EncodedString() }
        file.set("clusters", name: target.kubeconfigCluster, cluster)
        if exec {
            var args = ["credential", "--server", target.url, "--username", target.user]
            if target.insecureSkipTLSVerify { args.append("--insecure-skip-tls-verify") }
            if let ca = target.certificateAuthority { args += ["--certificate-authority", (ca as NSString).standardizingPath] }
            file.set("users", name: target.kubeconfigUser, ["exec": [
                "apiVersion": "client.authentication.k8s.io/v1", "command": Self.executablePath, "args": args,
                "interactiveMode": "IfAvailable", "provideClusterInfo": false,
            ] as [String: Any]])
            try target.cache(token: token, expires: expires)
        } else {
            file.set("users", name: target.kubeconfigUser, ["token": token])
        }
        file.set("contexts", name: target.hostPort, ["cluster": target.kubeconfigCluster, "user": target.kubeconfigUser])
        for ns in namespaces {
            file.set("contexts", name: ns, ["cluster": target.kubeconfigCluster, "user": target.kubeconfigUser, "namespace": ns])
        }
        if file.currentContext.map({ file.context($0) == nil }) ?? true {
            file.currentContext = namespaces.first ?? target.hostPort
        }
        try file.save()
        print("Logged in as \(target.user) (token valid until \(expires)).")
        print("You have access to the following contexts:")
        for c in [target.hostPort] + namespaces { print("   \(c)") }
        print("\nTo change context, use `kubectl config use-context <name>`.")
    }

    /// This program's absolute path, for the exec plugin entry.
    static var executablePath: String {
        let arg0 = CommandLine.arguments[0]
        if arg0.contains("/") { return URL(fileURLWithPath: arg0).standardizedFileURL.path }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arg0
    }
}

/// `plinth credential`: the kubectl exec credential plugin. Prints an ExecCredential with the
/// cached session token, logging in again (password from $PLINTH_PASSWORD or the terminal) when
/// it has expired or is about to.
struct CredentialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "credential", abstract: "kubectl exec credential plugin (client.authentication.k8s.io/v1).")
    @OptionGroup var target: ServerTarget

    func run() async throws {
        var token: String?
        var expires = ""
        if let bytes = readFile(target.tokenCachePath), let cached = try? JSON.parse(bytes),
           let t = cached.string("token"), let e = cached.string("expires"),
           let date = ISO8601DateFormatter().date(from: e), date.timeIntervalSinceNow > 60 {
            token = t
            expires = e
        }
        if token == nil {
            let client = try target.client()
            let fresh: (token: String, expires: String)
            do {
                fresh = try await target.login(client, password: try readPassword())
                await client.shutdown()
            } catch {
                await client.shutdown()
                throw error
            }
            try target.cache(token: fresh.token, expires: fresh.expires)
            (token, expires) = (fresh.token, fresh.expires)
        }
        let credential: JSON = ["apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                                "status": ["token": .string(token!), "expirationTimestamp": .string(expires)]]
        print(credential.serializedString())
    }
}

/// `plinth logout`: removes what `plinth login` wrote (all Plinth logins, or one server's).
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "Remove the kubeconfig entries and cached tokens plinth login wrote.")
    @Option(name: .long, help: "Only this server's entries (default: every Plinth login).") var server: String?

    func run() async throws {
        var file = try KubeconfigFile(path: KubeconfigFile.defaultPath)
        let hostPort = server.map { s -> String in
            var h = s.hasSuffix("/") ? String(s.dropLast()) : s
            if let r = h.range(of: "://") { h = String(h[r.upperBound...]) }
            return h
        }
        func ours(_ name: String?, prefix: String) -> Bool {
            guard let name, name.hasPrefix(prefix) else { return false }
            return hostPort.map { name.hasSuffix("@" + $0) || name == "plinth:" + $0 } ?? true
        }
        let users = Set(file.names("users").filter { ours($0, prefix: "plinth:") && $0.contains("@") })
        file.remove("contexts") { entry in users.contains((entry["context"] as? [String: Any])?["user"] as? String ?? "") }
        file.remove("users") { users.contains($0["name"] as? String ?? "") }
        let stillUsed = Set(file.names("contexts").compactMap { (file.context($0)?["cluster"] as? String) })
        file.remove("clusters") { e in
            let n = e["name"] as? String
            return ours(n, prefix: "plinth:") && !(n ?? "").contains("@") && !stillUsed.contains(n ?? "")
        }
        if let c = file.currentContext, file.context(c) == nil { file.currentContext = nil }
        try file.save()
        let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? ((ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.cache")
        if server == nil { try? FileManager.default.removeItem(atPath: base + "/plinth/tokens") }
        print("Logged out: removed \(users.count) user entr\(users.count == 1 ? "y" : "ies") and their contexts.")
    }
}
