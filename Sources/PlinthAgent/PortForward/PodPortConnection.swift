import NIOCore
import NIOPosix
import PlinthRuntime

/// A TCP connection into a pod, opened by the runtime, as an async channel of byte buffers.
/// Half-closes are kept apart: the client's end of input half-closes the pod's side, and the pod
/// may go on answering.
enum PodPortConnection {
    typealias Channel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// The kubelet's words for a port that could not be reached (CRI names the pod by its
    /// sandbox, the pod's UID here, and leaves the uid empty).
    static func failure(port: UInt16, podUID: String, _ error: any Error) -> String {
        "error forwarding port \(port) to pod \(podUID), uid : \(error)"
    }

    static func open(_ runtime: any PodRuntime, podUID: String, port: UInt16) async throws -> Channel {
        let fd = try await runtime.portForward(podUID: podUID, port: port)
        // From here NIO owns the descriptor (and closes it, also when this fails).
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .withConnectedSocket(fd) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Channel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
    }
}
