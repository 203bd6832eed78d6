/// The WebSocket subprotocols of the remote-command streams (`pods/exec`) that Plinth speaks,
/// best first: `v5.channel.k8s.io` (kubectl ≥ 1.30; adds closing a single stream) and
/// `v4.channel.k8s.io` (the Python client). Both carry one channel byte before each message.
public enum RemoteCommandProtocol {
    public static let supported = ["v5.channel.k8s.io", "v4.channel.k8s.io"]

    /// The best supported protocol among the `Sec-WebSocket-Protocol` values a client offered.
    public static func negotiate(_ offered: [String]) -> String? {
        let names = Set(offered.flatMap { $0.split(separator: ",") }.map { String($0.filter { !$0.isWhitespace }) })
        return supported.first { names.contains($0) }
    }
}
