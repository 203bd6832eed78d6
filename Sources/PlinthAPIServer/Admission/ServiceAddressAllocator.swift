import PlinthAPIMachinery
import PlinthJSON

/// Gives new Services a ClusterIP from the service range (10.96.0.0/12; 10.96.0.1 is the
/// `kubernetes` Service) and NodePorts from 30000–32767, avoiding values already in use, and
/// keeps allocated values across updates that omit them (as upstream's service strategy does).
///
/// Values are chosen at random and checked against the Services the cache holds; two creates
/// racing for the same random value is possible in principle (1 in ~10⁶) and is resolved by
/// the network service's allocator in a later issue.
enum ServiceAddressAllocator {
    static func allocate(_ service: JSON, existing: [CachedObject]) -> JSON {
        var o = service
        let type = o.string("spec", "type") ?? "ClusterIP"
        var usedIPs = Set<String>()
        var usedPorts = Set<Int64>()
        for s in existing {
            if let ip = s.object.string("spec", "clusterIP") { usedIPs.insert(ip) }
            for p in s.object[path: ["spec", "ports"]]?.arrayValue ?? [] {
                if let n = p["nodePort"]?.intValue { usedPorts.insert(n) }
            }
        }
        if type != "ExternalName" && (o.string("spec", "clusterIP") ?? "").isEmpty {
            var ip: String
            repeat {
                let n = UInt32.random(in: 10...(1 << 20) - 2)  // host part within the /12
                ip = "10.\(96 + (n >> 16))." + "\((n >> 8) & 0xFF).\(n & 0xFF)"
            } while usedIPs.contains(ip)
            o[path: ["spec", "clusterIP"]] = .string(ip)
            o[path: ["spec", "clusterIPs"]] = [.string(ip)]
        } else if let ip = o.string("spec", "clusterIP"), o[path: ["spec", "clusterIPs"]] == nil {
            o[path: ["spec", "clusterIPs"]] = [.string(ip)]
        }
        if type == "NodePort" || type == "LoadBalancer", let ports = o[path: ["spec", "ports"]]?.arrayValue {
            o[path: ["spec", "ports"]] = .array(ports.map { p in
                var p = p
                if p["nodePort"]?.intValue == nil {
                    var port: Int64
                    repeat { port = Int64.random(in: 30000...32767) } while usedPorts.contains(port)
                    usedPorts.insert(port)
                    p["nodePort"] = .int(port)
                }
                return p
            })
        }
        return o
    }

    /// An update that leaves out allocated values keeps them.
    static func keepAllocated(_ new: JSON, old: JSON) -> JSON {
        var o = new
        if (o.string("spec", "clusterIP") ?? "").isEmpty, let ip = old.string("spec", "clusterIP"), o.string("spec", "type") != "ExternalName" {
            o[path: ["spec", "clusterIP"]] = .string(ip)
            if o[path: ["spec", "clusterIPs"]] == nil { o[path: ["spec", "clusterIPs"]] = old[path: ["spec", "clusterIPs"]] }
        }
        return o
    }
}
