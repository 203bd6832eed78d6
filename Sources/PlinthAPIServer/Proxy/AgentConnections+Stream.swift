import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import PlinthJSON

extension AgentConnections {
    /// Carries a client's WebSocket (exec, attach, port-forward) to the host agent's URL and
    /// back, message for message, until either side closes; then closes the other. With
    /// `reportsFailure` (the remote-command protocols) an agent that cannot be reached is
    /// reported on the error channel, as upstream reports a backend it cannot dial; a
    /// port-forward stream, which has no such channel, is just closed.
    func relay(client inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, to target: PodStreamTarget,
               subprotocol: String, reportsFailure: Bool, logger: Logger) async throws {
        var headers = HTTPFields()
        headers[.secWebSocketProtocol] = subprotocol
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20, additionalHeaders: headers, sniHostname: target.nodeName)
        do {
            try await WebSocketClient.connect(url: target.url, configuration: configuration, tlsConfiguration: tls, logger: logger) { agentInbound, agentOutbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await Self.forward(inbound, to: agentOutbound) }
                    group.addTask { try await Self.forward(agentInbound, to: outbound) }
                    // Whichever side ends first ends the relay.
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            logger.info("cannot reach the host agent at \(target.url): \(error)")
            guard reportsFailure else { return }
            let status: JSON = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                                "message": .string("error dialing backend: \(error)"), "reason": "InternalError", "code": 500]
            try? await outbound.writeBinaryMessage(ByteBuffer(bytes: [3] + status.serialized()))
        }
    }

    static func forward(_ from: WebSocketInboundStream, to: WebSocketOutboundWriter) async throws {
        for try await message in from.messages(maxSize: 16 << 20) {
            switch message {
            case .binary(let buffer): try await to.writeBinaryMessage(buffer)
            case .text(let text): try await to.writeTextMessage(text)
            }
        }
    }
}
