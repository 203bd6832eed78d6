import Foundation
import Hummingbird
import HummingbirdWebSocket
import PlinthAPIMachinery
import PlinthJSON

extension APIServerCore {
    /// Decides a WebSocket upgrade: a `pods/exec`, `pods/attach` or `pods/portforward` request in
    /// a protocol we speak is upgraded and, when `podStreamTarget` allows it, relayed to the host
    /// agent. A refused exec or attach is still upgraded, its refusal (403, 404, 400) going out
    /// as the stream's Status, which kubectl prints (refusing the upgrade would send kubectl to
    /// its SPDY fallback, which Plinth does not serve); a refused port-forward is not upgraded,
    /// so kubectl's fallback request gets the refusal as its answer.
    func webSocketUpgrade(_ head: HTTPRequest) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        let info = RequestInfo.parse(path: request.uri.path)
        guard info.kind == .resource, let subresource = info.subresource, Self.podStreamSubresources.contains(subresource) else { return .dontUpgrade }
        let offered = head.headerFields[values: .secWebSocketProtocol]
        let portForward = subresource == "portforward"
        guard let chosen = portForward ? PortForwardProtocol.negotiate(offered) : RemoteCommandProtocol.negotiate(offered) else { return .dontUpgrade }
        let start = ContinuousClock.now
        let received = Date()
        let trace = RequestTrace()
        let target = await Self.$trace.withValue(trace) { () async -> Result<PodStreamTarget, APIError> in
            do throws(APIError) {
                guard agents != nil else { throw APIError(code: 503, reason: "ServiceUnavailable", message: "the API server has no host agent credentials") }
                return .success(try await podStreamTarget(request))
            } catch {
                return .failure(error)
            }
        }
        let code: Int
        if case .failure(let error) = target { code = error.code } else { code = 101 }
        if portForward, case .failure = target { return .dontUpgrade }
        metrics.record(verb: "create", resource: "pods", subresource: subresource, code: code, duration: ContinuousClock.now - start)
        if let audit {
            record(audit, request, info: info, query: QueryParameters(request.uri.query), trace: trace, code: code, received: received)
        }
        var headers = HTTPFields()
        headers[.secWebSocketProtocol] = chosen
        let connections = agents
        return .upgrade(headers) { inbound, outbound, context in
            switch target {
            case .success(let target):
                try await connections?.relay(client: inbound, outbound, to: target, subprotocol: chosen,
                                             reportsFailure: !portForward, logger: context.logger)
            case .failure(let error):
                try await outbound.writeBinaryMessage(ByteBuffer(bytes: [3] + error.status.serialized()))
            }
        }
    }

    /// The pod subresources served as streams relayed to the pod's host agent.
    static let podStreamSubresources: Set<String> = ["exec", "attach", "portforward"]

    /// Checks a `pods/exec`, `pods/attach` or `pods/portforward` WebSocket request and returns
    /// the host agent URL that serves it: the caller must be allowed to `create` the subresource
    /// (required for GET upgrades too, as upstream does from 1.35), then the pod and options are
    /// checked as `podStreamLocation` does.
    func podStreamTarget(_ request: Request) async throws(APIError) -> PodStreamTarget {
        let info = RequestInfo.parse(path: request.uri.path)
        guard info.kind == .resource, info.group.isEmpty, info.resource == "pods", let subresource = info.subresource,
              Self.podStreamSubresources.contains(subresource),
              let namespace = info.namespace, let name = info.name else { throw APIError.pathNotFound() }
        let user = try await authenticate(request)
        try await authorize(AuthorizationAttributes(user: user, verb: "create", namespace: namespace, resource: "pods",
                                                    subresource: subresource, name: name))
        return try await podStreamLocation(subresource, namespace: namespace, name: name, query: QueryParameters(request.uri.query))
    }

    /// Upstream's `ExecLocation` and `AttachLocation`: the container (named, or the only one), a
    /// command for exec, at least one stream, a pod bound to a host; the result is the agent's
    /// `exec` or `attach` URL with the kubelet's query.
    func podStreamLocation(_ subresource: String, namespace: String, name: String, query: QueryParameters) async throws(APIError) -> PodStreamTarget {
        guard let pods = catalog.lookup(group: "", version: "v1", plural: "pods") else { throw APIError.pathNotFound() }
        let pod = try await registry.get(pods, namespace: namespace, name: name).object
        if subresource == "portforward" { return try await portForwardLocation(pod, query: query) }
        let container = try Self.containerName(pod, asked: query["container"])
        let command = subresource == "exec" ? query.all("command") : []
        if subresource == "exec", command.isEmpty { throw APIError.badRequest("you must specify at least one command for the container") }
        let (stdin, stdout, tty) = (query.bool("stdin"), query.bool("stdout"), query.bool("tty"))
        // A terminal merges stderr into stdout, so the kubelet drops a stderr stream then.
        let stderr = query.bool("stderr") && !tty
        guard stdin || stdout || query.bool("stderr") else { throw APIError.badRequest("you must specify at least 1 of stdin, stdout, stderr") }
        guard let nodeName = pod.string("spec", "nodeName"), !nodeName.isEmpty else {
            throw APIError.badRequest("pod \(name) does not have a host assigned")
        }
        var parameters = command.map { "command=" + PodStreamTarget.escape($0) }
        for (key, on) in [("stdin", stdin), ("stdout", stdout), ("stderr", stderr), ("tty", tty)] where on { parameters.append(key + "=true") }
        return PodStreamTarget(agent: try await agentEndpoint(nodeName: nodeName), nodeName: nodeName,
                               path: [subresource, namespace, name, container], query: parameters)
    }
}

extension APIServerCore {
    /// Upstream's `PortForwardLocation`: a pod bound to a host; the agent's `portForward` URL,
    /// with the ports the channel protocol names (`ports`, each a number or a comma list) as the
    /// kubelet's `port`. Ports that are not numbers in 1–65535 are refused.
    func portForwardLocation(_ pod: JSON, query: QueryParameters) async throws(APIError) -> PodStreamTarget {
        let name = pod.string("metadata", "name") ?? "", namespace = pod.string("metadata", "namespace") ?? ""
        var ports: [UInt16] = []
        for text in query.all("ports").flatMap({ $0.split(separator: ",") }) {
            guard let port = UInt16(text.trimmingCharacters(in: .whitespaces)), port > 0 else {
                throw APIError.badRequest("invalid port \"\(text)\": ports must be numbers from 1 to 65535")
            }
            ports.append(port)
        }
        // The channel form numbers two channels per port in one byte.
        guard ports.count <= 127 else { throw APIError.badRequest("too many ports: at most 127 can be forwarded at once") }
        guard let nodeName = pod.string("spec", "nodeName"), !nodeName.isEmpty else {
            throw APIError.badRequest("pod \(name) does not have a host assigned")
        }
        return PodStreamTarget(agent: try await agentEndpoint(nodeName: nodeName), nodeName: nodeName,
                               path: ["portForward", namespace, name], query: ports.map { "port=\($0)" })
    }
}

/// Where a pod's stream is served: the host agent's URL, and its node's name (what the agent's
/// serving certificate names, sent as the TLS server name since an IP address cannot be).
struct PodStreamTarget: Sendable {
    let url: String
    let nodeName: String

    /// `wss://` to the agent, with each path segment escaped and the query's `key=value` items.
    init(agent: (address: String, port: Int), nodeName: String, path: [String], query: [String]) {
        let authority = agent.address.contains(":") ? "[\(agent.address)]:\(agent.port)" : "\(agent.address):\(agent.port)"
        url = "wss://\(authority)/" + path.map(Self.escape).joined(separator: "/") + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        self.nodeName = nodeName
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }
}
