import HummingbirdWebSocket
import Logging
import NIOCore
import PlinthRuntime

/// The kubelet's WebSocket port-forward protocol (`v4.channel.k8s.io`, which the Python client
/// speaks) for one pod: the request names its ports, port i has data channel 2i and error
/// channel 2i+1, each channel's first message is its port (two bytes, little-endian), one
/// connection per port is made at once, and a port that cannot be reached is explained on its
/// error channel. The WebSocket closes when every port's connection has ended.
struct ChannelPortForwardSession {
    let runtime: any PodRuntime
    let podUID: String
    let ports: [UInt16]
    let logger: Logger

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        for (i, port) in ports.enumerated() {
            let prefix = [UInt8(port & 0xff), UInt8(port >> 8)]
            try await outbound.writeBinaryMessage(ByteBuffer(bytes: [UInt8(2 * i)] + prefix))
            try await outbound.writeBinaryMessage(ByteBuffer(bytes: [UInt8(2 * i + 1)] + prefix))
        }
        let inputs = ports.map { _ in AsyncStream<ByteBuffer>.makeStream() }
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                // The client's messages: a channel byte, then bytes for that port's connection.
                do {
                    for try await message in inbound.messages(maxSize: 16 << 20) {
                        guard case .binary(var buffer) = message, let channel = buffer.readInteger(as: UInt8.self) else { continue }
                        if channel % 2 == 0, Int(channel / 2) < inputs.count { inputs[Int(channel / 2)].continuation.yield(buffer) }
                    }
                } catch {
                    logger.debug("port-forward client stream ended: \(error)")
                }
                for input in inputs { input.continuation.finish() }
                return true
            }
            for (i, port) in ports.enumerated() {
                group.addTask {
                    await forward(index: i, port: port, input: inputs[i].stream, outbound: outbound)
                    return false
                }
            }
            var open = ports.count
            while let clientLeft = await group.next() {
                if !clientLeft { open -= 1 }
                // Every port done, or the client gone: nothing is left to relay.
                if clientLeft || open == 0 { group.cancelAll() }
            }
        }
    }

    func forward(index: Int, port: UInt16, input: AsyncStream<ByteBuffer>, outbound: WebSocketOutboundWriter) async {
        let (dataChannel, errorChannel) = (UInt8(2 * index), UInt8(2 * index + 1))
        let channel: PodPortConnection.Channel
        do {
            channel = try await PodPortConnection.open(runtime, podUID: podUID, port: port)
        } catch {
            let message = PodPortConnection.failure(port: port, podUID: podUID, error)
            try? await outbound.writeBinaryMessage(ByteBuffer(bytes: [errorChannel] + Array(message.utf8)))
            return
        }
        try? await channel.executeThenClose { fromPod, toPod in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for try await var buffer in fromPod {
                        while buffer.readableBytes > 0, let bytes = buffer.readBytes(length: min(buffer.readableBytes, 32 << 10)) {
                            try await outbound.writeBinaryMessage(ByteBuffer(bytes: [dataChannel] + bytes))
                        }
                    }
                    return true
                }
                group.addTask {
                    for await buffer in input { try await toPod.write(buffer) }
                    toPod.finish()
                    return false
                }
                // The pod closing its side ends the connection; the client's input ending only half-closes it.
                while let podClosed = try await group.next(), !podClosed {}
                group.cancelAll()
            }
        }
    }
}
