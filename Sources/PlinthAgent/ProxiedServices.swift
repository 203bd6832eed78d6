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
    private var listed: Set<String> = []
    private(set) var generation = 0

    static func key(_ o: JSON) -> String {
        (o.string("metadata", "namespace") ?? "") + "/" + (o.string("metadata", "name") ?? "")
    }

    func replace(services items: [JSON]) {
        services = Dictionary(items.map { (Self.key($0), $0) }, uniquingKeysWith: { $1 })
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
        services[Self.key(o)] = deleted ? nil : o
        generation += 1
    }

    func set(slice o: JSON, deleted: Bool) {
        let key = Self.key(o)
        if let owner = serviceOfSlice.removeValue(forKey: key) { slicesByService[owner]?[key] = nil }
        if !deleted { index(slice: o) }
        generation += 1
    }

    private func index(slice: JSON) {
        guard let service = slice.string("metadata", "labels", "kubernetes.io/service-name") else { return }
        let owner = (slice.string("metadata", "namespace") ?? "") + "/" + service, key = Self.key(slice)
        slicesByService[owner, default: [:]][key] = slice
        serviceOfSlice[key] = owner
    }

    /// Whether both lists have arrived.
    var synced: Bool { listed.count == 2 }

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
