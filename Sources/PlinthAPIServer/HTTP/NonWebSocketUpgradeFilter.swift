import NIOCore
import NIOHTTP1

/// Lets requests that ask for an upgrade other than WebSocket (kubectl's SPDY/3.1 fallback for
/// exec and port-forward) reach the API as plain requests, so they are answered (a 403, a 404,
/// or "Upgrade request required") instead of dropped: NIO's upgrade handler loses the request
/// head when no upgrader takes it. The `Upgrade` header is moved aside, and the response says
/// `Connection: close`, since the request decoder stops reading after an upgrade request.
final class NonWebSocketUpgradeFilter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let movedHeader = "X-Plinth-Requested-Upgrade"
    private var closeAfterResponse = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else { return context.fireChannelRead(data) }
        let upgrades = head.headers["upgrade"]
        guard !upgrades.isEmpty else { return context.fireChannelRead(data) }
        if upgrades.contains(where: { $0.lowercased().contains("websocket") }) {
            // From here the connection may carry WebSocket frames, not HTTP parts.
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        head.headers.remove(name: "upgrade")
        for value in upgrades { head.headers.add(name: Self.movedHeader, value: value) }
        closeAfterResponse = true
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard closeAfterResponse, case .head(var head) = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}
