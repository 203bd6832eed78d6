import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import PlinthJSON

/// A minimal HTTPS client for tests that need many fast requests (kubectl is one process per call).
struct APIClient: Sendable {
    let client: HTTPClient
    let baseURL: String
    let token: String

    init(server: PlinthServer, connections: Int = 8, token: String? = nil) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(server.caPath)
        var config = HTTPClient.Configuration(tlsConfiguration: tls)
        config.httpVersion = .http1Only
        config.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        config.timeout = .init(connect: .seconds(10), read: .seconds(30))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        baseURL = server.url
        self.token = token ?? server.token
    }

    func shutdown() async { try? await client.shutdown() }

    /// Runs `body` with a client and always shuts it down (AsyncHTTPClient traps on a client
    /// dropped without shutdown, which would take the whole test run with it).
    static func with<T>(_ server: PlinthServer, connections: Int = 8, token: String? = nil,
                        _ body: (APIClient) async throws -> T) async throws -> T {
        let client = try APIClient(server: server, connections: connections, token: token)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Sends a request; returns status and body.
    func send(_ method: HTTPMethod, _ path: String, body: JSON? = nil) async throws -> (status: Int, body: JSON?) {
        try await send(method, path, raw: body?.serializedString(), contentType: "application/json")
    }

    /// Sends a request with a body as given.
    func send(_ method: HTTPMethod, _ path: String, raw: String?, contentType: String) async throws -> (status: Int, body: JSON?) {
        let (status, bytes) = try await exchange(method, path, raw: raw, contentType: contentType)
        return (status, try? JSON.parse(bytes))
    }

    /// The body as text (metrics, watch streams).
    func sendText(_ method: HTTPMethod, _ path: String) async throws -> String {
        String(decoding: try await exchange(method, path, raw: nil, contentType: "").1, as: UTF8.self)
    }

    private func exchange(_ method: HTTPMethod, _ path: String, raw: String?, contentType: String) async throws -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if !token.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "Accept", value: "application/json")
        if let raw {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: raw))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return (Int(response.status.code), Array(bytes.readableBytesView))
    }
}
