import PlinthJSON
import PlinthRuntime

/// The Services and EndpointSlices a host's proxy serves, as its two watches last saw them;
/// `generation` moves with every change, so the proxy programs the kernel only when needed
/// and never before both lists have arrived.
actor ProxiedServices {
    private var services: [String: JSON] = [:]
    private var slices: [String: JSON] = [:]
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
        slices = Dictionary(items.map { (Self.key($0), $0) }, uniquingKeysWith: { $1 })
        listed.insert("slices")
        generation += 1
    }

    func set(service o: JSON, deleted: Bool) {
        services[Self.key(o)] = deleted ? nil : o
        generation += 1
    }

    func set(slice o: JSON, deleted: Bool) {
        slices[Self.key(o)] = deleted ? nil : o
        generation += 1
    }

    /// Whether both lists have arrived.
    var synced: Bool { listed.count == 2 }

    /// Every Service port's rule, its endpoints from the slices labelled with its name.
    func rules() -> [ServicePortRule] {
        var byService: [String: [JSON]] = [:]
        for s in slices.values {
            guard let service = s.string("metadata", "labels", "kubernetes.io/service-name") else { continue }
            byService[(s.string("metadata", "namespace") ?? "") + "/" + service, default: []].append(s)
        }
        return services.flatMap { key, service in ServicePortRules.rules(service: service, slices: byService[key] ?? []) }
    }
}
