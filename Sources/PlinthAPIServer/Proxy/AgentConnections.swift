import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL

/// How the API server reaches host agents' HTTPS endpoints (for `pods/log` and `pods/exec`): it presents its
/// agent client certificate, signed by the cluster CA the agents trust, and does not check the
/// agents' self-signed serving certificates (upstream's default without
/// `--kubelet-certificate-authority`).
public final class AgentConnections: Sendable {
    let client: HTTPClient
    /// For WebSocket connections (`pods/exec`), which AsyncHTTPClient does not make.
    let tls: TLSConfiguration

    public init(credentials: ServerCredentials) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        tls.certificateChain = [.certificate(try NIOSSLCertificate(bytes: Array(credentials.agentClientCertificatePEM.utf8), format: .pem))]
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(credentials.agentClientKeyPEM.utf8), format: .pem))
        self.tls = tls
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout.connect = .seconds(5)
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends `GET https://host:port<pathAndQuery>`; the body is read by the caller as it comes.
    func get(host: String, port: Int, _ pathAndQuery: String, deadline: NIODeadline) async throws -> HTTPClientResponse {
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let request = HTTPClientRequest(url: "https://\(authority)\(pathAndQuery)")
        return try await client.execute(request, deadline: deadline)
    }

    public func shutdown() async {
        try? await client.shutdown()
    }
}
