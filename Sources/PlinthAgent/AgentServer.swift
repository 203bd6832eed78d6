import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON
import PlinthRuntime
import ServiceLifecycle

/// The agent's HTTPS endpoint (the kubelet's port 10250), which the API server reaches to serve
/// `pods/log`: `GET /containerLogs/<namespace>/<pod>/<container>` with the kubelet's query
/// (`follow`, `previous`, `tailLines`, `sinceSeconds`, `sinceTime`, `timestamps`, `limitBytes`),
/// and `pods/exec`: a WebSocket upgrade of `GET /exec/<namespace>/<pod>/<container>?command=…`
/// speaking `RemoteCommandStream`, and `pods/attach`: the same for `GET /attach/<namespace>/<pod>/<container>`
/// (the container's own streams), and `pods/portforward`: a WebSocket upgrade of
/// `GET /portForward/<namespace>/<pod>` speaking kubectl's SPDY streams or the channel protocol
/// with `?port=…`. Only clients with a certificate from the cluster CA (the API server's) are served.
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
            if parts.count == 4 && (parts[0] == "exec" || parts[0] == "attach") || parts.count == 3 && parts[0] == "portForward" {
                return Self.status(400, "BadRequest", "Upgrade request required")
            }
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
        let runtime = self.runtime
        let logger = self.logger
        let upgrading = HTTPServerBuilder.http1WebSocketUpgrade(configuration: .init(ws: .init(maxFrameSize: 1 << 20))) { request, _, _ in
            await Self.upgrade(request, runtime: runtime, logger: logger)
        }
        let app = Application(responder: Responder(runtime: runtime), server: try .tls(upgrading, tlsConfiguration: tls),
                              configuration: .init(address: .hostname(host, port: port)), logger: logger)
        try await app.run()
    }

    /// Accepts `exec` and `attach` upgrades that offer a protocol we speak; the command starts once the
    /// connection is a WebSocket, and a command that cannot start is reported on the error
    /// channel, as the kubelet does.
    static func upgrade(_ request: HTTPRequest, runtime: any PodRuntime, logger: Logger) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let pathAndQuery = request.path ?? ""
        let pathPart = pathAndQuery.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let parts = pathPart.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        let query = QueryParameters(pathAndQuery.contains("?") ? String(pathAndQuery.split(separator: "?", maxSplits: 1)[1]) : nil)
        if parts.count == 3, parts[0] == "portForward" {
            return await portForwardUpgrade(request, namespace: parts[1], pod: parts[2], query: query, runtime: runtime, logger: logger)
        }
        guard parts.count == 4, parts[0] == "exec" || parts[0] == "attach",
              let chosen = RemoteCommandProtocol.negotiate(request.headerFields[values: .secWebSocketProtocol]) else { return .dontUpgrade }
        let (namespace, pod, container) = (parts[1], parts[2], parts[3])
        let attach = parts[0] == "attach"
        let exec = ExecRequest(command: query.all("command"), tty: query.bool("tty"), stdin: query.bool("stdin"))
        let (stdout, stderr) = (query.bool("stdout"), query.bool("stderr") && !exec.tty)
        var headers = HTTPFields()
        headers[.secWebSocketProtocol] = chosen
        return .upgrade(headers) { inbound, outbound, _ in
            let session: any ExecSession
            do {
                guard let sandbox = try await runtime.sandboxes().first(where: { $0.namespace == namespace && $0.name == pod }) else {
                    throw AgentError("pod \"\(pod)\" in namespace \"\(namespace)\" is not running on this host")
                }
                if attach {
                    session = try await runtime.attach(podUID: sandbox.podUID, container: container, stdin: exec.stdin)
                } else {
                    guard !exec.command.isEmpty else { throw AgentError("you must specify at least one command for the container") }
                    session = try await runtime.exec(podUID: sandbox.podUID, container: container, exec)
                }
            } catch {
                try await outbound.writeBinaryMessage(ByteBuffer(bytes: [3] + RemoteCommandStream.failure("\(error)", attaching: attach).serialized()))
                return
            }
            try await RemoteCommandStream.serve(session, command: exec.command, stdout: stdout, stderr: stderr, inbound: inbound, outbound: outbound)
        }
    }

    /// Accepts a `portForward` upgrade for a pod this host runs, in kubectl's SPDY form or the
    /// channel form (which needs its ports, `port=…`, up front); anything else is refused before
    /// the upgrade, as the kubelet refuses it.
    static func portForwardUpgrade(_ request: HTTPRequest, namespace: String, pod: String, query: QueryParameters,
                                   runtime: any PodRuntime, logger: Logger) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        guard let chosen = PortForwardProtocol.negotiate(request.headerFields[values: .secWebSocketProtocol]),
              let sandbox = try? await runtime.sandboxes().first(where: { $0.namespace == namespace && $0.name == pod }) else { return .dontUpgrade }
        let ports = query.all("port").flatMap { $0.split(separator: ",") }.compactMap { UInt16($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        // Each port takes two channel numbers of one byte.
        if chosen == PortForwardProtocol.channels, ports.isEmpty || ports.count > 127 { return .dontUpgrade }
        var headers = HTTPFields()
        headers[.secWebSocketProtocol] = chosen
        return .upgrade(headers) { inbound, outbound, _ in
            if chosen == PortForwardProtocol.spdyTunnel {
                try await SPDYPortForwardSession(runtime: runtime, podUID: sandbox.podUID, logger: logger).serve(inbound: inbound, outbound: outbound)
            } else {
                try await ChannelPortForwardSession(runtime: runtime, podUID: sandbox.podUID, ports: ports, logger: logger).serve(inbound: inbound, outbound: outbound)
            }
        }
    }
}
