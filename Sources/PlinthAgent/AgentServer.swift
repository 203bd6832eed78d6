import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import PlinthAPIMachinery
import PlinthJSON
import PlinthRuntime
import ServiceLifecycle

/// The agent's HTTPS endpoint (the kubelet's port 10250), which the API server reaches to serve
/// `pods/log`: `GET /containerLogs/<namespace>/<pod>/<container>` with the kubelet's query
/// (`follow`, `previous`, `tailLines`, `sinceSeconds`, `sinceTime`, `timestamps`, `limitBytes`).
/// Only clients with a certificate from the cluster CA (the API server's) are served.
public struct AgentServer: Service {
    let runtime: any PodRuntime
    let host: String
    let port: Int
    let tls: TLSConfiguration
    let logger: Logger

    /// `clientCA` are the roots client certificates must chain to (the cluster CA from the
    /// agent's kubeconfig); the serving certificate is made in `directory` on first start.
    public init(runtime: any PodRuntime, host: String, port: Int, directory: String, nodeName: String,
                clientCA: NIOSSLTrustRoots, logger: Logger) throws {
        let cert = try AgentCertificate.loadOrCreate(directory: directory, nodeName: nodeName, address: host)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(cert.certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(cert.keyPEM.utf8), format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .noHostnameVerification  // a client certificate is required and checked
        tls.trustRoots = clientCA
        self.runtime = runtime
        self.host = host
        self.port = port
        self.tls = tls
        self.logger = logger
    }

    struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let runtime: any PodRuntime
        func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            let parts = request.uri.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
            guard request.method == .get, parts.count == 4, parts[0] == "containerLogs" else {
                return Self.status(404, "NotFound", "the server could not find the requested resource")
            }
            return await containerLogs(namespace: parts[1], pod: parts[2], container: parts[3], query: request.uri.queryParameters)
        }

        func containerLogs(namespace: String, pod: String, container: String, query: Hummingbird.Parameters) async -> Response {
            var options = ContainerLogOptions()
            options.follow = query["follow"].map { $0 == "true" || $0 == "1" } ?? false
            options.previous = query["previous"].map { $0 == "true" || $0 == "1" } ?? false
            options.timestamps = query["timestamps"].map { $0 == "true" || $0 == "1" } ?? false
            options.tailLines = query["tailLines"].flatMap { Int(String($0)) }
            options.limitBytes = query["limitBytes"].flatMap { Int(String($0)) }
            if let s = query["sinceSeconds"].flatMap({ Double(String($0)) }) { options.since = Date().timeIntervalSince1970 - s }
            if let t = query["sinceTime"].flatMap({ RFC3339.parse(String($0)) }) { options.since = Double(t.seconds) + Double(t.nanos) / 1e9 }
            guard let sandbox = ((try? await runtime.sandboxes()) ?? []).first(where: { $0.namespace == namespace && $0.name == pod }) else {
                return Self.status(404, "NotFound", "pod \"\(pod)\" in namespace \"\(namespace)\" is not running on this host")
            }
            guard let file = await runtime.logFile(podUID: sandbox.podUID, container: container, previous: options.previous) else {
                if options.previous { return Self.status(400, "BadRequest", "previous terminated container \"\(container)\" in pod \"\(pod)\" not found") }
                return Self.status(400, "BadRequest", "container \"\(container)\" in pod \"\(pod)\" is not available")
            }
            let reader = ContainerLogReader(file: file, options: options)
            var headers: HTTPFields = [:]
            headers[.contentType] = "text/plain"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await reader.stream { text in try await writer.write(ByteBuffer(string: text)) }
                try await writer.finish(nil)
            })
        }

        static func status(_ code: Int, _ reason: String, _ message: String) -> Response {
            let body: JSON = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
                              "reason": .string(reason), "code": .int(Int64(code))]
            var headers: HTTPFields = [:]
            headers[.contentType] = "application/json"
            return Response(status: .init(code: code), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.serialized())))
        }
    }

    public func run() async throws {
        let app = Application(responder: Responder(runtime: runtime), server: try .tls(.http1(), tlsConfiguration: tls),
                              configuration: .init(address: .hostname(host, port: port)), logger: logger)
        try await app.run()
    }
}
