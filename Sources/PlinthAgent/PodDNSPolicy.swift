import PlinthJSON
import PlinthRuntime

/// A pod's resolv.conf as the kubelet's DNS configurer works it out: `ClusterFirst` (the
/// default) names the host's cluster DNS with the namespace's search path and `ndots:5`;
/// `Default` copies the host's resolv.conf; `None` leaves only the pod's `dnsConfig`, which
/// every policy then appends to (nameservers and searches once each, options by name).
/// Without a cluster DNS, `ClusterFirst` falls back to `Default`, as upstream's does.
enum PodDNSPolicy {
    static let maxNameservers = 3
    static let maxSearches = 32

    static func config(pod: JSON, clusterDNS: String?, domain: String, host: PodDNSConfig) -> PodDNSConfig {
        var policy = pod.string("spec", "dnsPolicy") ?? "ClusterFirst"
        if policy == "ClusterFirstWithHostNet" { policy = "ClusterFirst" }
        if policy == "ClusterFirst" && (clusterDNS == nil || pod[path: ["spec", "hostNetwork"]]?.boolValue == true) { policy = "Default" }
        var config: PodDNSConfig
        switch policy {
        case "None":
            config = PodDNSConfig(servers: [], searches: [], options: [])
        case "ClusterFirst":
            let namespace = pod.string("metadata", "namespace") ?? "default"
            config = PodDNSConfig(servers: [clusterDNS ?? ""], searches: ["\(namespace).svc.\(domain)", "svc.\(domain)", domain] + host.searches,
                                  options: ["ndots:5"])
        default:
            config = host
        }
        let extra = pod[path: ["spec", "dnsConfig"]]
        for s in extra?["nameservers"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !config.servers.contains(s) { config.servers.append(s) }
        for s in extra?["searches"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !config.searches.contains(s) { config.searches.append(s) }
        for o in extra?["options"]?.arrayValue ?? [] {
            guard let name = o.string("name") else { continue }
            let option = o.string("value").map { "\(name):\($0)" } ?? name
            config.options.removeAll { $0 == name || $0.hasPrefix(name + ":") }
            config.options.append(option)
        }
        config.servers = Array(config.servers.prefix(maxNameservers))
        config.searches = Array(config.searches.prefix(maxSearches))
        return config
    }

    /// The nameservers, search domains and options of a resolv.conf.
    static func parse(resolvConf text: String) -> PodDNSConfig {
        var config = PodDNSConfig(servers: [], searches: [], options: [])
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = fields.first, !keyword.hasPrefix("#"), !keyword.hasPrefix(";") else { continue }
            switch keyword {
            case "nameserver": config.servers += fields.dropFirst().prefix(1)
            case "search", "domain": config.searches = Array(fields.dropFirst())
            case "options": config.options += fields.dropFirst()
            default: break
            }
        }
        return config
    }
}
