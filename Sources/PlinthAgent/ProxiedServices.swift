import PlinthAPIMachinery
import PlinthJSON
import PlinthRuntime

/// The Services and EndpointSlices a host serves (its proxy's rules, its cluster DNS), as its
/// two watches last saw them, with the slices indexed by the Service they belong to;
/// `generation` moves with every change, so the proxy programs the kernel only when needed and
/// never before both lists have arrived.
actor ProxiedServices {
    private var services: [String: JSON] = [:]
    /// Slices by `namespace/service`, then by `namespace/slice`.
    private var slicesByService: [String: [String: JSON]] = [:]
    private var serviceOfSlice: [String: String] = [:]
    /// Ready hosts, which share the announcing of load-balancer addresses.
    private var readyNodes: Set<String> = []
    private var listed: Set<String> = []
    private(set) var generation = 0

    func replace(services items: [JSON]) {
        services = Dictionary(items.map { (HostAgent.key($0), $0) }, uniquingKeysWith: { $1 })
        listed.insert("services")
        generation += 1
    }

    func replace(slices items: [JSON]) {
        slicesByService = [:]
        serviceOfSlice = [:]
        for s in items { index(slice: s) }
        listed.insert("slices")
        generation += 1
    }

    func set(service o: JSON, deleted: Bool) {
        services[HostAgent.key(o)] = deleted ? nil : o
        generation += 1
    }

    func set(slice o: JSON, deleted: Bool) {
        let key = HostAgent.key(o)
        if let owner = serviceOfSlice.removeValue(forKey: key) { slicesByService[owner]?[key] = nil }
        if !deleted { index(slice: o) }
        generation += 1
    }

    private func index(slice: JSON) {
        guard let service = slice.string("metadata", "labels", "kubernetes.io/service-name") else { return }
        let owner = (slice.string("metadata", "namespace") ?? "") + "/" + service, key = HostAgent.key(slice)
        slicesByService[owner, default: [:]][key] = slice
        serviceOfSlice[key] = owner
    }

    func replace(nodes items: [JSON]) {
        readyNodes = Set(items.filter { Conditions.status($0, "Ready") == "True" }.compactMap { $0.string("metadata", "name") })
        listed.insert("nodes")
        generation += 1
    }

    func set(node o: JSON, deleted: Bool) {
        guard let name = o.string("metadata", "name") else { return }
        let ready = !deleted && Conditions.status(o, "Ready") == "True"
        guard ready != readyNodes.contains(name) else { return }
        if ready { readyNodes.insert(name) } else { readyNodes.remove(name) }
        generation += 1
    }

    /// Whether every list has arrived.
    var synced: Bool { listed.count == 3 }

    /// The load-balancer addresses `node` announces: each address goes to the Ready host that
    /// ranks first for it (rendezvous hashing), so every host agrees without talking, and only
    /// the addresses of a lost host move.
    func announced(by node: String) -> [String] {
        let addresses = Set(services.values.filter { $0.string("spec", "type") == "LoadBalancer" }
            .flatMap { ($0[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []).compactMap { $0.string("ip") } })
        return addresses.filter { address in readyNodes.max { Self.rank(address, $0) < Self.rank(address, $1) } == node }.sorted()
    }

    /// FNV-1a of address and host name.
    static func rank(_ address: String, _ node: String) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in (address + "|" + node).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return hash
    }

    func slices(of serviceKey: String) -> [JSON] {
        slicesByService[serviceKey].map { Array($0.values) } ?? []
    }

    /// Every Service port's rule, its endpoints from the slices labelled with its name.
    func rules() -> [ServicePortRule] {
        services.flatMap { key, service in ServicePortRules.rules(service: service, slices: slices(of: key)) }
    }

    /// The cluster DNS answer for one question.
    func dnsAnswer(name: String, type: UInt16, domain: String) -> ClusterDNSRecords.Answer {
        let lookup = ClusterDNSRecords.Lookup(service: { self.services[$0 + "/" + $1] }, slices: { self.slices(of: $0 + "/" + $1) })
        return ClusterDNSRecords.answer(name: name, type: type, domain: domain, lookup: lookup)
    }
}
