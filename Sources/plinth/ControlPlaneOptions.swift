import ArgumentParser
import Foundation
import Logging
import PlinthAPIMachinery
import PlinthControllers

/// Flags shared by `plinth up` and `plinth server`.
struct ControlPlaneOptions: ParsableArguments {
    @Option(name: .long, help: "Directory for the store, certificates, keys and the admin kubeconfig (default: ~/.plinth).")
    var dataDir: String?

    @Option(name: .long, help: "Address to listen on, HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:6443"

    @Option(name: .long, help: "Storage backend: sqlite (embedded).")
    var storage: String = "sqlite"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .long, help: "Audit log file (JSON lines of audit.k8s.io/v1 Events; default: DATA-DIR/audit.log; 'off' disables).")
    var auditLog: String?

    @Option(name: .long, help: "Audit policy file (audit.k8s.io/v1 Policy, YAML or JSON). Default: every request at Metadata except health, metrics and discovery reads.")
    var auditPolicy: String?

    @Option(name: .long, help: "Rotate the audit log when it passes this many megabytes.")
    var auditLogMaxsize: Int = 100

    @Option(name: .long, help: "How many rotated audit logs to keep.")
    var auditLogMaxbackup: Int = 5

    @Option(name: .long, help: "Lifetime of login session tokens, e.g. 10h, 90m, 3600s.")
    var tokenLifetime: String = "10h"

    @Option(name: .long, help: "How long a host may stay silent (no Lease renewal or status) before its Node is marked Unknown, e.g. 50s.")
    var nodeMonitorGracePeriod: String = "50s"

    @Option(name: .long, help: "How often the node lifecycle controller looks at every host, e.g. 5s.")
    var nodeMonitorPeriod: String = "5s"

    @Option(name: .long, help: "The pods' address range; each host gets a subnet of it as its Node's spec.podCIDR.")
    var clusterCIDR: String = "10.244.0.0/16"

    @Option(name: .long, help: "Prefix length of each host's pod subnet within --cluster-cidr.")
    var nodeCIDRMaskSize: Int = 24

    @Option(name: .long, help: "Addresses for LoadBalancer Services, as a CIDR (e.g. 192.168.1.240/28) on the hosts' network; without one they stay pending.")
    var loadBalancerPool: String?

    /// The allocator of hosts' pod subnets from `--cluster-cidr` and `--node-cidr-mask-size`.
    var nodeCIDRs: NodeCIDRAllocator {
        NodeCIDRAllocator(clusterCIDR: IPv4Subnet(clusterCIDR) ?? IPv4Subnet("10.244.0.0/16")!, maskSize: nodeCIDRMaskSize)
    }

    /// `--token-lifetime` in seconds.
    var tokenLifetimeSeconds: TimeInterval? { Self.seconds(tokenLifetime) }

    /// A duration flag (`10h`, `90m`, `3600s`) in seconds; nil when malformed or not positive.
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["h": 3600, "m": 60, "s": 1]
        guard let unit = text.last.flatMap({ units[$0] }), let n = Double(text.dropLast()), n > 0 else { return nil }
        return n * unit
    }

    var resolvedDataDir: String {
        if let dataDir { return (dataDir as NSString).expandingTildeInPath }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + "/.plinth"
    }

    /// (host, port) from `--listen`; accepts `[::1]:6443`.
    func hostAndPort() throws -> (String, Int) {
        var s = listen
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { throw ValidationError("--listen: expected HOST:PORT, got \(listen)") }
            let host = String(s[s.index(after: s.startIndex)..<close])
            s = String(s[s.index(after: close)...])
            guard s.hasPrefix(":"), let port = Int(s.dropFirst()), (0...65535).contains(port) else {
                throw ValidationError("--listen: expected HOST:PORT, got \(listen)")
            }
            return (host, port)
        }
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen: expected HOST:PORT, got \(listen)")
        }
        let host = String(s[..<colon])
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    func validate() throws {
        _ = try hostAndPort()
        guard storage == "sqlite" else { throw ValidationError("--storage: only 'sqlite' is available in this build") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: unknown level \(logLevel)") }
        guard tokenLifetimeSeconds != nil else { throw ValidationError("--token-lifetime: expected a duration such as 10h, 90m or 3600s, got \(tokenLifetime)") }
        for (flag, value) in [("--node-monitor-grace-period", nodeMonitorGracePeriod), ("--node-monitor-period", nodeMonitorPeriod)]
        where Self.seconds(value) == nil {
            throw ValidationError("\(flag): expected a duration such as 50s or 1m, got \(value)")
        }
        if let loadBalancerPool, IPv4Subnet(loadBalancerPool) == nil {
            throw ValidationError("--load-balancer-pool: expected an IPv4 network such as 192.168.1.240/28, got \(loadBalancerPool)")
        }
        guard let cidr = IPv4Subnet(clusterCIDR) else { throw ValidationError("--cluster-cidr: expected an IPv4 network such as 10.244.0.0/16, got \(clusterCIDR)") }
        guard (cidr.prefixLength + 1...30).contains(nodeCIDRMaskSize) else {
            throw ValidationError("--node-cidr-mask-size must be between \(cidr.prefixLength + 1) and 30 for --cluster-cidr \(clusterCIDR)")
        }
    }
}
