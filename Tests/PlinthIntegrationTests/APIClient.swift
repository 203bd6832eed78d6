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

    init(server: PlinthServer, connections: Int = 8) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(server.caPath)
        var config = HTTPClient.Configuration(tlsConfiguration: tls)
        config.httpVersion = .http1Only
        config.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        config.timeout = .init(connect: .seconds(2), read: .seconds(10))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        baseURL = server.url
        token = server.token
    }

    func shutdown() async { try? await client.shutdown() }

    /// Sends a request; returns status and body.
    func send(_ method: HTTPMethod, _ path: String, body: JSON? = nil) async throws -> (status: Int, body: JSON?) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body.serialized()))
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let json = try? JSON.parse(Array(bytes.readableBytesView))
        return (Int(response.status.code), json)
    }
}
