/// What a pod's `/etc/resolv.conf` says (CRI's DNSConfig): nameservers, search domains and
/// resolver options, as the agent works them out from the pod's `dnsPolicy` and `dnsConfig`.
public struct PodDNSConfig: Sendable, Equatable {
    public var servers: [String]
    public var searches: [String]
    public var options: [String]

    public init(servers: [String], searches: [String], options: [String]) {
        self.servers = servers
        self.searches = searches
        self.options = options
    }

    /// The file's text.
    public var resolvConf: String {
        var text = ""
        if !searches.isEmpty { text += "search " + searches.joined(separator: " ") + "\n" }
        for s in servers { text += "nameserver \(s)\n" }
        if !options.isEmpty { text += "options " + options.joined(separator: " ") + "\n" }
        return text
    }
}
