import PlinthJSON

/// The records of the cluster domain, as Kubernetes' DNS specification defines them (and
/// CoreDNS's kubernetes plugin serves them), from Services and their EndpointSlices:
/// - `svc.ns.svc.<domain>`: A of the ClusterIP; for a headless Service, A of each ready
///   endpoint; for an ExternalName Service, a CNAME;
/// - `host.svc.ns.svc.<domain>`: a headless Service's endpoint by hostname or dashed address;
/// - `_port._proto.svc.ns.svc.<domain>`: SRV for each named port (per endpoint when headless);
/// - `a-b-c-d.ns.pod.<domain>`: A of the address the name spells.
/// Names outside the domain are forwarded; names inside it that do not exist are NXDOMAIN, and
/// names that exist without records of the asked type answer with none (NODATA).
enum ClusterDNSRecords {
    /// CoreDNS's kubernetes plugin default.
    static let ttl: UInt32 = 5

    enum Answer: Equatable {
        case records(code: UInt16, answers: [DNSRecord])
        case forward
    }

    /// What the records are read from: a Service by namespace and name, and its slices.
    struct Lookup {
        var service: (_ namespace: String, _ name: String) -> JSON?
        var slices: (_ namespace: String, _ name: String) -> [JSON]
    }

    static func answer(name: String, type: UInt16, domain: String, lookup: Lookup) -> Answer {
        guard name == domain || name.hasSuffix("." + domain) else { return .forward }
        let labels = name == domain ? [] : name.dropLast(domain.count + 1).split(separator: ".").map(String.init)
        var records: [DNSRecord]?  // nil: no such name
        switch labels.count {
        case 0:
            records = []
        case 3 where labels[2] == "svc":
            records = lookup.service(labels[1], labels[0]).map { service(name, $0, lookup: lookup, namespace: labels[1], domain: domain) }
        case 4 where labels[3] == "svc":
            records = endpoint(name, host: labels[0], service: labels[1], namespace: labels[2], lookup: lookup)
        case 5 where labels[4] == "svc" && labels[0].hasPrefix("_") && labels[1].hasPrefix("_"):
            records = lookup.service(labels[3], labels[2]).flatMap {
                srv(name, $0, port: String(labels[0].dropFirst()), proto: String(labels[1].dropFirst()), lookup: lookup,
                    namespace: labels[3], domain: domain)
            }
        case 3 where labels[2] == "pod":
            let address = labels[0].replacingOccurrences(of: "-", with: ".")
            records = DNSRecord.a(name, address, ttl: ttl).map { [$0] }
        case 1 where labels[0] == "svc" || labels[0] == "pod", 2 where labels[1] == "svc" || labels[1] == "pod":
            records = []  // the zone's own structure exists, with no records of its own
        default:
            records = nil
        }
        guard let records else { return .records(code: DNSMessage.nameError, answers: []) }
        let matching = records.filter { $0.type == type || $0.type == DNSMessage.typeCNAME }
        return .records(code: DNSMessage.noError, answers: matching)
    }

    static func readyAddresses(_ slices: [JSON]) -> [(ip: String, hostname: String?, slice: JSON)] {
        var seen = Set<String>()
        var result: [(String, String?, JSON)] = []
        for slice in slices where (slice.string("addressType") ?? "IPv4") == "IPv4" {
            for e in slice["endpoints"]?.arrayValue ?? [] where e[path: ["conditions", "ready"]]?.boolValue != false {
                guard let ip = e["addresses"]?.arrayValue?.first?.stringValue, seen.insert(ip).inserted else { continue }
                result.append((ip, e.string("hostname"), slice))
            }
        }
        return result.sorted { $0.0 < $1.0 }
    }

    static func isHeadless(_ service: JSON) -> Bool { service.string("spec", "clusterIP") == "None" }

    static func service(_ name: String, _ service: JSON, lookup: Lookup, namespace: String, domain: String) -> [DNSRecord] {
        if service.string("spec", "type") == "ExternalName", let target = service.string("spec", "externalName") {
            return [.cname(name, target, ttl: ttl)]
        }
        if isHeadless(service) {
            return readyAddresses(lookup.slices(namespace, service.string("metadata", "name") ?? "")).compactMap { DNSRecord.a(name, $0.ip, ttl: ttl) }
        }
        return service.string("spec", "clusterIP").flatMap { DNSRecord.a(name, $0, ttl: ttl) }.map { [$0] } ?? []
    }

    /// The endpoint name of a headless Service's endpoint: its hostname, else its dashed address.
    static func endpointLabel(ip: String, hostname: String?) -> String { hostname ?? ip.replacingOccurrences(of: ".", with: "-") }

    static func endpoint(_ name: String, host: String, service: String, namespace: String, lookup: Lookup) -> [DNSRecord]? {
        guard let s = lookup.service(namespace, service), isHeadless(s) else { return nil }
        let matches = readyAddresses(lookup.slices(namespace, service)).filter { endpointLabel(ip: $0.ip, hostname: $0.hostname) == host }
        return matches.isEmpty ? nil : matches.compactMap { DNSRecord.a(name, $0.ip, ttl: ttl) }
    }

    static func srv(_ name: String, _ service: JSON, port: String, proto: String, lookup: Lookup, namespace: String, domain: String) -> [DNSRecord]? {
        let serviceName = service.string("metadata", "name") ?? ""
        let base = "\(serviceName).\(namespace).svc.\(domain)"
        guard let p = (service[path: ["spec", "ports"]]?.arrayValue ?? []).first(where: {
            $0.string("name") == port && ($0.string("protocol") ?? "TCP").lowercased() == proto
        }) else { return nil }
        guard isHeadless(service) else {
            return [.srv(name, weight: 100, port: UInt16(clamping: p["port"]?.intValue ?? 0), target: base, ttl: ttl)]
        }
        let endpoints = readyAddresses(lookup.slices(namespace, serviceName))
        let weight = UInt16(clamping: 100 / max(1, endpoints.count))
        return endpoints.compactMap { e in
            guard let slicePort = (e.slice["ports"]?.arrayValue ?? []).first(where: { $0.string("name") == port })?["port"]?.intValue else { return nil }
            return .srv(name, weight: weight, port: UInt16(clamping: slicePort), target: endpointLabel(ip: e.ip, hostname: e.hostname) + "." + base, ttl: ttl)
        }
    }
}
