import HummingbirdWebSocket
import NIOCore
import PlinthAPIMachinery
import PlinthJSON
import PlinthRuntime

/// The kubelet's remote-command protocol over WebSocket (`v4.channel.k8s.io` and
/// `v5.channel.k8s.io`): every binary message starts with a channel byte — 0 stdin, 1 stdout,
/// 2 stderr, 3 the final Status, 4 terminal resize (`{"Width":…,"Height":…}`); v5 adds 255,
/// whose second byte names a channel the client has closed (stdin's EOF).
enum RemoteCommandStream {
    /// Relays one session: output to the client as it comes, the client's input, resizes and
    /// stdin close to the command, then the Status that says how the command ended. A client
    /// that leaves first ends the command.
    static func serve(_ session: any ExecSession, command: [String], stdout: Bool, stderr: Bool,
                      inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await chunk in session.output {
                    guard chunk.stream == 1 ? stdout : stderr else { continue }
                    try await outbound.writeBinaryMessage(ByteBuffer(bytes: [chunk.stream] + chunk.bytes))
                }
                if Task.isCancelled { return false }
                let status: JSON
                switch await session.outcome() {
                case .exited(let code): status = Self.status(exitCode: code, command: command)
                case .failedToStart(let message): status = failure("OCI runtime exec failed: \(message): unknown")
                }
                try await outbound.writeBinaryMessage(ByteBuffer(bytes: [3] + status.serialized()))
                return true
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: 16 << 20) {
                    // The Python client sends text frames for str input (same channel byte first).
                    var buffer: ByteBuffer
                    switch message {
                    case .binary(let b): buffer = b
                    case .text(let t): buffer = ByteBuffer(string: t)
                    }
                    guard let channel = buffer.readInteger(as: UInt8.self) else { continue }
                    let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
                    switch channel {
                    case 0: await session.write(bytes)
                    case 4:
                        if let size = try? JSON.parse(bytes), let w = size["Width"]?.intValue, let h = size["Height"]?.intValue {
                            await session.resize(columns: Int(w), rows: Int(h))
                        }
                    case 255 where bytes.first == 0: await session.closeInput()
                    default: break
                    }
                }
                return false
            }
            // The command ended (and its Status is out), or the client left.
            // A client that left (or a write to it that failed) ends the command.
            let finished = (try? await group.next()) ?? false
            if finished != true { await session.terminate() }
            group.cancelAll()
        }
    }

    /// The Status the kubelet writes on the error channel.
    static func status(exitCode: Int32, command: [String]) -> JSON {
        guard exitCode != 0 else { return ["metadata": [:], "status": "Success"] }
        return ["metadata": [:], "status": "Failure",
                "message": .string("command terminated with non-zero exit code: error executing command [\(command.joined(separator: " "))], exit code \(exitCode)"),
                "reason": "NonZeroExitCode",
                "details": ["causes": [["reason": "ExitCode", "message": .string("\(exitCode)")]]]]
    }

    /// The Status for a command that could not start (or, `attaching`, a container that could
    /// not be attached to).
    static func failure(_ message: String, attaching: Bool = false) -> JSON {
        let action = attaching ? "attaching to container" : "executing command in container"
        return ["metadata": [:], "status": "Failure", "message": .string("Internal error occurred: error \(action): \(message)"),
         "reason": "InternalError", "details": ["causes": [["message": .string(message)]]], "code": 500]
    }
}
