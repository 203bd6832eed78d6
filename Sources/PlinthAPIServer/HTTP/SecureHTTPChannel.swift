import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL
import NIOTLS

/// The API server's connections: TLS, then HTTP/2 when ALPN chose `h2`, otherwise HTTP/1.1
/// that may upgrade to a WebSocket (`kubectl exec` asks for HTTP/1.1 and upgrades; other upgrades
/// are answered as plain requests, see `NonWebSocketUpgradeFilter`). Hummingbird's
/// own HTTP/2 channel offers no WebSocket upgrade on its HTTP/1.1 side, hence this one.
struct SecureHTTPChannel: HTTPChannelHandler {
    typealias WebSocketUpgrade = @Sendable (HTTPRequest, any Channel, Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    typealias Negotiated = NIONegotiatedHTTPVersion<HTTP1WebSocketUpgradeChannel.Value, HTTP2Channel.Value>

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let context: NIOSSLContext
    let http1: HTTP1WebSocketUpgradeChannel
    let http2: HTTP2Channel
    var responder: Responder { http1.responder }

    init(tlsConfiguration: TLSConfiguration, maxFrameSize: Int, responder: @escaping Responder, shouldUpgrade: @escaping WebSocketUpgrade) throws {
        var tls = tlsConfiguration
        tls.applicationProtocols = NIOHTTP2SupportedALPNProtocols
        context = try NIOSSLContext(configuration: tls)
        http1 = HTTP1WebSocketUpgradeChannel(responder: responder, configuration: .init(ws: .init(maxFrameSize: maxFrameSize)),
                                             shouldUpgrade: shouldUpgrade)
        http2 = HTTP2Channel(responder: responder)
    }

    /// A server built from this channel.
    static func builder(tlsConfiguration: TLSConfiguration, maxFrameSize: Int = 1 << 20, shouldUpgrade: @escaping WebSocketUpgrade) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            try SecureHTTPChannel(tlsConfiguration: tlsConfiguration, maxFrameSize: maxFrameSize, responder: responder, shouldUpgrade: shouldUpgrade)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
            let alpn = NIOTypedApplicationProtocolNegotiationHandler<Negotiated> { result in
                switch result {
                case .negotiated("h2"):
                    return http2.setup(channel: channel, logger: logger).map { .http2($0) }
                case .negotiated("http/1.1"), .fallback:
                    return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
                        let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
                        try channel.pipeline.syncOperations.addHandler(NonWebSocketUpgradeFilter(), position: .after(decoder))
                        return .http1_1(value)
                    }
                case .negotiated:
                    return channel.close().flatMap { channel.eventLoop.makeFailedFuture(NIOHTTP2Errors.invalidALPNToken()) }
                }
            }
            try channel.pipeline.syncOperations.addHandler(alpn)
            return Value(negotiated: alpn.protocolNegotiationResult, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http1_1(let http1Value): await http1.handle(value: http1Value, logger: logger)
            case .http2(let http2Value): await http2.handle(value: http2Value, logger: logger)
            }
        } catch {
            logger.debug("connection ended before its protocol was agreed: \(error)")
        }
    }
}
