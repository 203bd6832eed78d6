import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import PlinthJSON

/// A small Kubernetes API client for the `plinth` commands: JSON requests with the kubeconfig's
/// server, TLS settings and credentials. Failures come back as the server's Status message.
public final class APIClient: Sendable {
    public let config: ClientConfig
    let http: HTTPClient

    /// `connectionsPerHost` bounds the keep-alive connections to the server; every open watch
    /// holds one, so a process with many watches (fake hosts) needs more than the default.
    public init(config: ClientConfig, connectionsPerHost: Int = 8) {
        self.config = config
        var c = HTTPClient.Configuration(tlsConfiguration: config.tls, redirectConfiguration: .disallow,
                                         timeout: .init(connect: .seconds(10), read: .seconds(60)))
        c.httpVersion = .http1Only
        c.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: c)
    }

    public func shutdown() async { try? await http.shutdown() }

    /// Sends one request; returns the status code and the body parsed as JSON (null when empty or not JSON).
    public func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json",
                     authorization: String? = nil) async throws -> (status: UInt, body: JSON) {
        var r = httpRequest(method, path, authorization: authorization)
        if let body {
            r.headers.add(name: "Content-Type", value: contentType)
            r.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await http.execute(r, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let json = (try? JSON.parse(Array(bytes.readableBytesView))) ?? .null
        return (response.status.code, json)
    }

    /// Like `send`, but a non-2xx answer throws with the server's message.
    @discardableResult
    public func request(_ method: HTTPMethod, _ path: String, _ body: JSON? = nil, contentType: String = "application/json") async throws -> JSON {
        let (status, json) = try await send(method, path, body: body?.serialized(), contentType: contentType)
        guard (200..<300).contains(status) else { throw Self.serverError(status: status, json, fallback: "HTTP \(status)") }
        return json
    }

    /// A request to the server with the kubeconfig's credentials (or `authorization`).
    func httpRequest(_ method: HTTPMethod, _ path: String, authorization: String? = nil, userAgent: String = "plinth-cli") -> HTTPClientRequest {
        var r = HTTPClientRequest(url: config.server + path)
        r.method = method
        r.headers.add(name: "Accept", value: "application/json")
        r.headers.add(name: "User-Agent", value: userAgent)
        if let auth = authorization ?? config.authorization { r.headers.add(name: "Authorization", value: auth) }
        return r
    }

    /// A refused request as kubectl words it: `Error from server (Reason): message`.
    static func serverError(status: UInt, _ json: JSON, fallback: String) -> ClientError {
        ClientError("Error from server (\(json.string("reason") ?? "HTTP \(status)")): \(json.string("message") ?? fallback)")
    }
}
