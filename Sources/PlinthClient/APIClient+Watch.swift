import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import PlinthJSON

extension APIClient {
    /// Opens a watch (`path` must carry `watch=1` and should carry `timeoutSeconds` below the
    /// client's 60-second read timeout) and calls `onEvent` with each event object (`type`,
    /// `object`) as its line arrives. Returns when the server ends the stream; throws on a non-200
    /// answer (with the server's message) or a broken connection.
    public func watch(_ path: String, onEvent: (JSON) async throws -> Void) async throws {
        let response = try await http.execute(httpRequest(.GET, path, userAgent: "plinth-agent"), timeout: .seconds(3600))
        guard response.status == .ok else {
            let bytes = try await response.body.collect(upTo: 1 << 20)
            throw Self.serverError(status: response.status.code, (try? JSON.parse(Array(bytes.readableBytesView))) ?? .null, fallback: "watch refused")
        }
        var line: [UInt8] = []
        for try await chunk in response.body {
            for byte in chunk.readableBytesView {
                guard byte == UInt8(ascii: "\n") else { line.append(byte); continue }
                if !line.isEmpty { try await onEvent(try JSON.parse(line)) }
                line.removeAll(keepingCapacity: true)
            }
        }
        if !line.isEmpty { try await onEvent(try JSON.parse(line)) }
    }
}
