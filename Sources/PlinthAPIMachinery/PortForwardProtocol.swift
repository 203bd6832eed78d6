/// The WebSocket subprotocols of `pods/portforward` that Plinth speaks: kubectl's SPDY/3.1
/// streams carried inside the WebSocket (`SPDY/3.1+portforward.k8s.io`, kubectl ≥ 1.30), and
/// the channel protocol the Python client speaks (`v4.channel.k8s.io`: port i on channels 2i
/// for data and 2i+1 for errors).
public enum PortForwardProtocol {
    public static let spdyTunnel = "SPDY/3.1+portforward.k8s.io"
    public static let channels = "v4.channel.k8s.io"
    public static let supported = [spdyTunnel, channels]

    /// The supported protocol among the `Sec-WebSocket-Protocol` values a client offered.
    public static func negotiate(_ offered: [String]) -> String? {
        let names = Set(offered.flatMap { $0.split(separator: ",") }.map { String($0.filter { !$0.isWhitespace }) })
        return supported.first { names.contains($0) }
    }
}
