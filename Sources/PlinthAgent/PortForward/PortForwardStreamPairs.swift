/// The kubelet's pairing of port-forward streams: each forwarded connection is two SPDY streams
/// the client opens, `streamtype: error` then `streamtype: data`, with the same `port` and
/// `requestid` headers. A pure value: streams in, decisions out.
struct PortForwardStreamPairs {
    struct Pair: Equatable {
        var requestID: String
        var port: UInt16
        var errorStream: UInt32?
        var dataStream: UInt32?
    }

    enum Outcome: Equatable {
        /// The stream is refused (RST_STREAM); the reason is for the agent's log.
        case rejected(String)
        /// Accepted; its partner has not arrived yet.
        case waiting
        /// Both streams are here: forward the connection.
        case complete(Pair)
        /// A second stream of a type the request already has: the message goes on the request's
        /// error stream.
        case duplicate(errorStream: UInt32?, message: String)
    }

    private var pending: [String: Pair] = [:]

    mutating func add(streamID: UInt32, headers: SPDYHeaders) -> Outcome {
        guard let portText = headers["port"] else { return .rejected("\"port\" header is required") }
        guard let port = UInt16(portText), port > 0 else { return .rejected("invalid port \"\(portText)\"") }
        let type = headers["streamtype"]
        guard type == "error" || type == "data" else { return .rejected("invalid stream type \"\(type ?? "")\"") }
        // Without a requestid header (an old client) the kubelet derives it: the data stream
        // follows its error stream.
        let requestID = headers["requestid"] ?? String(type == "error" ? streamID : streamID &- 2)
        var pair = pending[requestID] ?? Pair(requestID: requestID, port: port)
        if type == "error" {
            guard pair.errorStream == nil else {
                return .duplicate(errorStream: pair.errorStream, message: "error processing stream for request \(requestID): error stream already assigned")
            }
            pair.errorStream = streamID
        } else {
            guard pair.dataStream == nil else {
                return .duplicate(errorStream: pair.errorStream, message: "error processing stream for request \(requestID): data stream already assigned")
            }
            pair.dataStream = streamID
        }
        guard pair.errorStream != nil, pair.dataStream != nil else {
            pending[requestID] = pair
            return .waiting
        }
        pending[requestID] = nil
        return .complete(pair)
    }
}
