import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PlinthJSON

/// An OCI distribution client for pulls: resolves a reference to a platform manifest (through an
/// OCI index or Docker manifest list), and streams blobs. Handles Docker v2 and OCI media types,
/// the bearer-token challenge registries answer 401 with, basic credentials, and per-registry
/// mirrors tried before the registry itself, as containerd's `hosts.toml` does (so an air-gapped
/// host can serve `docker.io` names from a local registry).
public struct RegistryClient: Sendable {
    public struct Credentials: Sendable, Equatable {
        public var username: String
        public var password: String
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// Where to fetch from and how: mirrors per registry host (endpoint URLs such as
    /// `http://127.0.0.1:5000`), registries reached over plain HTTP, and credentials per registry.
    public struct Configuration: Sendable {
        public var mirrors: [String: [String]]
        public var plainHTTP: Set<String>
        public var credentials: [String: Credentials]
        public init(mirrors: [String: [String]] = [:], plainHTTP: Set<String> = [], credentials: [String: Credentials] = [:]) {
            self.mirrors = mirrors
            self.plainHTTP = plainHTTP
            self.credentials = credentials
        }
    }

    static let manifestTypes = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
    ]

    let http: HTTPClient
    public var configuration: Configuration

    public init(http: HTTPClient, configuration: Configuration = .init()) {
        self.http = http
        self.configuration = configuration
    }

    /// Endpoint base URLs for a registry: its mirrors, then the registry itself (plain HTTP for
    /// loopback hosts and those configured so).
    func endpoints(_ registry: String) -> [String] {
        let host = registry.split(separator: ":").first.map(String.init) ?? registry
        let own: String
        if registry == "docker.io" { own = "https://registry-1.docker.io" }
        else if configuration.plainHTTP.contains(registry) || host == "localhost" || host == "127.0.0.1" || host == "::1" { own = "http://" + registry }
        else { own = "https://" + registry }
        return (configuration.mirrors[registry] ?? []).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } + [own]
    }

    /// The manifest for `ref` on linux/`architecture`: its bytes, media type and digest.
    public func manifest(_ ref: ImageReference, architecture: String = RegistryClient.hostArchitecture) async throws -> (bytes: [UInt8], mediaType: String, digest: String) {
        var (bytes, type, digest) = try await fetchManifest(ref, reference: ref.manifestReference)
        if type.contains("index") || type.contains("manifest.list") {
            let index = try JSON.parse(bytes)
            let choices = index["manifests"]?.arrayValue ?? []
            guard let pick = choices.first(where: { $0.string("platform", "os") == "linux" && $0.string("platform", "architecture") == architecture }),
                  let d = pick.string("digest") else {
                let offered = choices.compactMap { m in m.string("platform", "os").map { "\($0)/\(m.string("platform", "architecture") ?? "?")" } }
                throw ImageError("no matching manifest for linux/\(architecture) in the manifest list entries (offered: \(offered.joined(separator: ", ")))")
            }
            (bytes, type, digest) = try await fetchManifest(ref, reference: d)
        }
        return (bytes, type, digest)
    }

    func fetchManifest(_ ref: ImageReference, reference: String) async throws -> ([UInt8], String, String) {
        let response = try await get(ref, path: "/manifests/" + reference, accept: Self.manifestTypes.joined(separator: ", "))
        let body = Array(try await response.body.collect(upTo: 8 << 20).readableBytesView)
        let digest = DigestHasher.digest(body)
        if reference.hasPrefix("sha256:"), digest != reference {
            throw ImageError("manifest digest mismatch for \(ref): expected \(reference), got \(digest)")
        }
        var type = response.headers.first(name: "Content-Type") ?? ""
        if let semi = type.firstIndex(of: ";") { type = String(type[..<semi]) }
        if type.isEmpty || type == "application/json" { type = (try? JSON.parse(body))?.string("mediaType") ?? type }
        return (body, type, digest)
    }

    /// Streams a blob into `store` (nothing to do when it is there); verifies its digest.
    /// `progress` gets the bytes written so far.
    public func fetchBlob(_ ref: ImageReference, digest: String, into store: BlobStore,
                          progress: @Sendable (Int64) -> Void = { _ in }) async throws {
        if store.has(digest) { return }
        let response = try await get(ref, path: "/blobs/" + digest, accept: "*/*")
        let writer = try store.ingest(expecting: digest)
        do {
            for try await chunk in response.body {
                try writer.append(Array(chunk.readableBytesView))
                progress(writer.size)
            }
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// GET on the first endpoint that answers 200, answering auth challenges on the way; a
    /// registry's own error (404, denied) is reported once every endpoint failed.
    func get(_ ref: ImageReference, path: String, accept: String) async throws -> HTTPClientResponse {
        var failures: [String] = []
        let bases = endpoints(ref.registry)
        for base in bases {
            let url = base + "/v2/" + ref.repository + path
            do {
                var response = try await send(url, accept: accept, authorization: nil)
                if response.status == .unauthorized, let challenge = response.headers.first(name: "WWW-Authenticate") {
                    _ = try? await response.body.collect(upTo: 1 << 20)
                    let auth = try await authorization(for: challenge, ref: ref)
                    response = try await send(url, accept: accept, authorization: auth)
                }
                if response.status == .ok { return response }
                let body = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
                failures.append(Self.describe(response.status, body: body, url: url))
                if response.status == .notFound, base == bases.last {
                    throw ImageError("\(ref): not found")
                }
            } catch let e as ImageError {
                throw e
            } catch {
                failures.append("\(url): \(error)")
            }
        }
        throw ImageError("failed to resolve reference \"\(ref)\": " + failures.joined(separator: "; "))
    }

    func send(_ url: String, accept: String, authorization: String?) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "plinth")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        return try await http.execute(request, timeout: .seconds(300))
    }

    /// The Authorization header a `WWW-Authenticate` challenge asks for: a bearer token from the
    /// realm (with the registry's credentials, when configured) or basic credentials.
    func authorization(for challenge: String, ref: ImageReference) async throws -> String {
        let creds = configuration.credentials[ref.registry]
        let basic = creds.map { "Basic " + Data("\($0.username):\($0.password)".utf8).base64EncodedString() }
        let (scheme, params) = Self.parseChallenge(challenge)
        guard scheme.lowercased() == "bearer", let realm = params["realm"] else {
            guard let basic else { throw ImageError("\(ref): registry requires credentials (\(challenge))") }
            return basic
        }
        var query = [URLQueryItem(name: "scope", value: params["scope"] ?? "repository:\(ref.repository):pull")]
        if let service = params["service"] { query.insert(URLQueryItem(name: "service", value: service), at: 0) }
        var components = URLComponents(string: realm)
        let existing = components?.queryItems ?? []
        components?.queryItems = existing + query
        guard let url = components?.url?.absoluteString else { throw ImageError("bad token realm \(realm)") }
        let response = try await send(url, accept: "application/json", authorization: basic)
        let body = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        guard response.status == .ok, let json = try? JSON.parse(body), let token = json.string("token") ?? json.string("access_token") else {
            throw ImageError("\(ref): token request to \(realm) failed: \(Self.describe(response.status, body: String(decoding: body, as: UTF8.self), url: url))")
        }
        return "Bearer " + token
    }

    /// `Bearer realm="…",service="…"` → ("Bearer", [realm: …, service: …]).
    static func parseChallenge(_ header: String) -> (String, [String: String]) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else { return (trimmed, [:]) }
        var params: [String: String] = [:]
        var rest = trimmed[trimmed.index(after: space)...]
        while let eq = rest.firstIndex(of: "=") {
            let key = rest[..<eq].trimmingCharacters(in: CharacterSet(charactersIn: " ,"))
            rest = rest[rest.index(after: eq)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                let close = rest.firstIndex(of: "\"") ?? rest.endIndex
                value = String(rest[..<close])
                rest = close < rest.endIndex ? rest[rest.index(after: close)...] : rest[rest.endIndex...]
            } else {
                let comma = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(rest[..<comma])
                rest = rest[comma...]
            }
            params[key.lowercased()] = value
        }
        return (String(trimmed[..<space]), params)
    }

    static func describe(_ status: HTTPResponseStatus, body: String, url: String) -> String {
        if let json = try? JSON.parse(Array(body.utf8)), let first = json["errors"]?.arrayValue?.first {
            return "\(url): \(first.string("code") ?? "") \(first.string("message") ?? "")".trimmingCharacters(in: .whitespaces)
        }
        return "\(url): HTTP \(status.code)"
    }

    /// The GOARCH name of this machine.
    public static var hostArchitecture: String {
        #if arch(x86_64)
        "amd64"
        #elseif arch(arm64)
        "arm64"
        #else
        "unknown"
        #endif
    }
}
