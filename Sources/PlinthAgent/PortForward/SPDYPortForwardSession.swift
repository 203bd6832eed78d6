import HummingbirdWebSocket
import Logging
import NIOCore
import PlinthRuntime

/// kubectl's port-forward protocol (`portforward.k8s.io`: SPDY/3.1 streams, here inside a
/// WebSocket as `SPDY/3.1+portforward.k8s.io`, the messages being one byte stream) served for
/// one pod, as the kubelet serves it: every stream is answered with an empty SYN_REPLY, an
/// error and a data stream with the same `requestid` make one connection to the pod's port,
/// the data stream carries the bytes both ways (each side's FIN half-closes), and a connection
/// that cannot be made is explained on the error stream. Pings are echoed; SPDY's flow-control
/// windows are not kept, as kubectl keeps none.
struct SPDYPortForwardSession {
    let runtime: any PodRuntime
    let podUID: String
    let logger: Logger

    /// What the client sent on a data stream, for the connection's writer.
    enum ClientInput: Sendable {
        case bytes(ByteBuffer)
        case reset
    }

    /// How one direction of a forwarded connection ended.
    enum Ended: Sendable {
        case podClosed, clientFinished, clientReset
    }

    /// DATA frames sent at most this large (client-go's copy loop uses 32 KiB).
    static let maxDataFrame = 32 << 10

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            var reader = SPDYFrameReader()
            let fromClient = SPDYHeaderCompression()
            let toClient = SPDYHeaderCompression()
            var pairs = PortForwardStreamPairs()
            var inputs: [UInt32: AsyncStream<ClientInput>.Continuation] = [:]
            func send(_ frame: SPDYFrame) async throws {
                try await outbound.writeBinaryMessage(ByteBuffer(bytes: try frame.encoded(with: toClient)))
            }
            session: for try await message in inbound.messages(maxSize: 16 << 20) {
                guard case .binary(let buffer) = message else { throw SPDYError("text message in a SPDY stream") }
                reader.append(buffer.readableBytesView)
                while let frame = try reader.next(decompressingWith: fromClient) {
                    switch frame {
                    case .synStream(let id, _, _, _, _, let headers):
                        switch pairs.add(streamID: id, headers: headers) {
                        case .rejected(let reason):
                            logger.debug("port-forward stream \(id) refused: \(reason)")
                            try await send(.rstStream(streamID: id, status: .cancel))
                        case .waiting:
                            try await send(.synReply(streamID: id, fin: false, headers: SPDYHeaders()))
                        case .duplicate(let errorStream, let message):
                            try await send(.synReply(streamID: id, fin: false, headers: SPDYHeaders()))
                            if let errorStream { try await send(.data(streamID: errorStream, fin: false, bytes: Array(message.utf8))) }
                        case .complete(let pair):
                            try await send(.synReply(streamID: id, fin: false, headers: SPDYHeaders()))
                            let (input, continuation) = AsyncStream<ClientInput>.makeStream()
                            inputs[pair.dataStream!] = continuation
                            group.addTask { await forward(pair, input: input, outbound: outbound) }
                        }
                    case .data(let id, let fin, let bytes):
                        if !bytes.isEmpty { inputs[id]?.yield(.bytes(ByteBuffer(bytes: bytes))) }
                        if fin { inputs.removeValue(forKey: id)?.finish() }
                    case .rstStream(let id, _):
                        if let continuation = inputs.removeValue(forKey: id) {
                            continuation.yield(.reset)
                            continuation.finish()
                        }
                    case .ping(let id):
                        try await send(.ping(id: id))
                    case .goAway:
                        break session
                    case .synReply, .settings, .headers, .windowUpdate, .unknown:
                        break
                    }
                }
            }
            // The client has gone: every connection ends with it.
            for continuation in inputs.values { continuation.finish() }
            group.cancelAll()
        }
    }

    /// One forwarded connection: the pod's bytes out on the data stream (FIN when the pod closes
    /// its side), the client's in (its FIN half-closes the pod's side); then the error stream's
    /// FIN, and its message first when the pod's port could not be reached.
    func forward(_ pair: PortForwardStreamPairs.Pair, input: AsyncStream<ClientInput>, outbound: WebSocketOutboundWriter) async {
        guard let dataStream = pair.dataStream, let errorStream = pair.errorStream else { return }
        func send(_ frame: SPDYFrame) async throws {
            try await outbound.writeBinaryMessage(ByteBuffer(bytes: try frame.encoded()))
        }
        let channel: PodPortConnection.Channel
        do {
            channel = try await PodPortConnection.open(runtime, podUID: podUID, port: pair.port)
        } catch {
            let message = PodPortConnection.failure(port: pair.port, podUID: podUID, error)
            try? await send(.data(streamID: errorStream, fin: false, bytes: Array(message.utf8)))
            try? await send(.data(streamID: errorStream, fin: true, bytes: []))
            try? await send(.data(streamID: dataStream, fin: true, bytes: []))
            return
        }
        let podClosed = (try? await channel.executeThenClose { fromPod, toPod in
            await withThrowingTaskGroup(of: Ended.self) { group in
                group.addTask {
                    for try await var buffer in fromPod {
                        while buffer.readableBytes > 0, let bytes = buffer.readBytes(length: min(buffer.readableBytes, Self.maxDataFrame)) {
                            try await send(.data(streamID: dataStream, fin: false, bytes: bytes))
                        }
                    }
                    try await send(.data(streamID: dataStream, fin: true, bytes: []))
                    return .podClosed
                }
                group.addTask {
                    for await item in input {
                        switch item {
                        case .bytes(let buffer): try await toPod.write(buffer)
                        case .reset: return .clientReset
                        }
                    }
                    toPod.finish()
                    return .clientFinished
                }
                var podClosed = false
                while let result = await group.nextResult() {
                    switch result {
                    case .success(.podClosed): podClosed = true
                    case .success(.clientFinished): break
                    // A reset stream, or a side that failed, ends the connection.
                    case .success(.clientReset), .failure: group.cancelAll()
                    }
                }
                return podClosed
            }
        }) ?? false
        if !podClosed { try? await send(.data(streamID: dataStream, fin: true, bytes: [])) }
        try? await send(.data(streamID: errorStream, fin: true, bytes: []))
    }
}
