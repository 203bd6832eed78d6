import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Keeps the Endpoints and EndpointSlices of every Service with a selector in step with the
/// pods it selects (upstream's endpoints and EndpointSlice controllers, in one reconciler since
/// both read the same things): ready pods as addresses, the rest as not ready, one slice per
/// set of resolved ports, owned by the Service. Services without a selector keep the
/// endpoints their users write.
public struct EndpointsController: Reconciler {
    public static let managedBy = "endpointslice-controller.k8s.io"
    public var name: String { "endpoints-controller" }
    let context: WorkloadContext
    let services: ResourceType
    let endpoints: ResourceType
    let slices: ResourceType
    let serviceCache: WatchCache
    let podCache: WatchCache
    let endpointsCache: WatchCache
    let sliceCache: WatchCache

    public init(context: WorkloadContext) throws {
        guard let services = context.type("", "v1", "services"), let pods = context.type("", "v1", "pods"),
              let endpoints = context.type("", "v1", "endpoints"), let slices = context.type("discovery.k8s.io", "v1", "endpointslices") else {
            throw APIError.internalError("services, pods, endpoints or endpointslices are not served")
        }
        self.context = context
        self.services = services
        self.endpoints = endpoints
        self.slices = slices
        serviceCache = try context.registry.cache(services)
        podCache = try context.registry.cache(pods)
        endpointsCache = try context.registry.cache(endpoints)
        sliceCache = try context.registry.cache(slices)
    }

    public func start() async throws -> [String] {
        for c in [serviceCache, podCache, endpointsCache, sliceCache] { await c.waitUntilReady() }
        return serviceCache.objects().compactMap(\.namespacedKey)
    }

    public func keys(for change: ObjectChange) -> [String] {
        let r = change.resource
        guard let object = change.object else { return [] }
        switch (r.group, r.plural) {
        case ("", "services"):
            return object.namespacedKey.map { [$0] } ?? []
        case ("", "pods"):
            guard let ns = object.namespace else { return [] }
            return serviceCache.objects(namespace: ns).filter { Self.selector(of: $0.object) != nil }.compactMap(\.namespacedKey)
        case ("", "endpoints"):
            if case .deleted = change.event { return object.namespacedKey.map { [$0] } ?? [] }
            return []
        default:
            return []
        }
    }

    /// The Service's selector, if it has a non-empty one.
    static func selector(of service: JSON) -> LabelSelector? {
        guard service.string("spec", "type") != "ExternalName", let map = service[path: ["spec", "selector"]]?.objectValue, !map.isEmpty else { return nil }
        var labels: [String: String] = [:]
        for (k, v) in map { if let v = v.stringValue { labels[k] = v } }
        return LabelSelector(matchLabels: labels)
    }

    public func reconcile(_ key: String) async -> Duration? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let (namespace, name) = (parts[0], parts[1])
        do {
            guard let service = serviceCache.get(services.key(namespace: namespace, name: name))?.object,
                  service[path: ["metadata", "deletionTimestamp"]] == nil else {
                // The Service is gone: so are its Endpoints (its slices go with it as its dependents).
                if endpointsCache.get(endpoints.key(namespace: namespace, name: name)) != nil {
                    _ = try await context.registry.delete(endpoints, namespace: namespace, name: name, options: DeleteOptions(), write: context.options)
                }
                return nil
            }
            guard let selector = Self.selector(of: service) else { return nil }
            let pods = podCache.objects(namespace: namespace).map(\.object).filter { selector.matches(object: $0) }
            let computed = ServiceEndpoints(service: service, pods: pods)
            try await putEndpoints(service, computed, namespace: namespace, name: name)
            try await putSlices(service, computed, namespace: namespace, name: name)
            return nil
        } catch where error.code == 409 || error.code == 404 {
            return .milliseconds(200)
        } catch {
            context.logger.warning("\(self.name): \(key): \(error)")
            return .seconds(1)
        }
    }

    func labels(of service: JSON) -> JSON {
        var labels = service[path: ["metadata", "labels"]]?.objectValue ?? JSONObject()
        if service.string("spec", "clusterIP") == "None" { labels["service.kubernetes.io/headless"] = "" }
        return .object(labels)
    }

    func putEndpoints(_ service: JSON, _ computed: ServiceEndpoints, namespace: String, name: String) async throws(APIError) {
        let subsets = computed.subsets(namespace: namespace)
        let labels = labels(of: service)
        if let existing = endpointsCache.get(endpoints.key(namespace: namespace, name: name))?.object {
            let current = existing["subsets"]?.arrayValue ?? []
            guard current != subsets || (existing[path: ["metadata", "labels"]] ?? [:]) != labels else { return }
            _ = try await context.registry.guaranteedUpdate(endpoints, namespace: namespace, name: name, precondition: nil, options: context.options) { o throws(APIError) in
                var next = o
                next["subsets"] = subsets.isEmpty ? .none : .some(.array(subsets))
                next[path: ["metadata", "labels"]] = labels
                return next
            }
        } else {
            var o: JSON = ["apiVersion": "v1", "kind": "Endpoints", "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labels]]
            if !subsets.isEmpty { o["subsets"] = .array(subsets) }
            _ = try await context.registry.create(endpoints, namespace: namespace, object: o, options: context.options)
        }
    }

    func putSlices(_ service: JSON, _ computed: ServiceEndpoints, namespace: String, name: String) async throws(APIError) {
        var labels = labels(of: service)
        labels["kubernetes.io/service-name"] = .string(name)
        labels["endpointslice.kubernetes.io/managed-by"] = .string(Self.managedBy)
        let uid = service.string("metadata", "uid")
        let existing = sliceCache.objects(namespace: namespace).filter {
            $0.object.string("metadata", "labels", "kubernetes.io/service-name") == name
                && $0.object.string("metadata", "labels", "endpointslice.kubernetes.io/managed-by") == Self.managedBy
        }.sorted { $0.name < $1.name }
        // One slice per port group; a Service that selects nothing keeps one empty slice.
        var wanted: [(ports: [JSON], endpoints: [JSON])] = computed.groups.map { ($0.ports, ServiceEndpoints.sliceEndpoints($0, namespace: namespace)) }
        if wanted.isEmpty { wanted = [([], [])] }
        for (i, slice) in wanted.enumerated() {
            let body: (inout JSON) -> Void = { o in
                o["addressType"] = "IPv4"
                o["endpoints"] = .array(slice.endpoints)
                o["ports"] = .array(slice.ports)
                o[path: ["metadata", "labels"]] = labels
            }
            if i < existing.count {
                var next = existing[i].object
                body(&next)
                guard next != existing[i].object else { continue }
                _ = try await context.registry.guaranteedUpdate(slices, namespace: namespace, name: existing[i].name, precondition: nil,
                                                                options: context.options) { o throws(APIError) in
                    var n = o
                    body(&n)
                    return n
                }
            } else {
                var o: JSON = ["apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                               "metadata": ["generateName": .string(name + "-"), "namespace": .string(namespace),
                                            "ownerReferences": [["apiVersion": "v1", "kind": "Service", "name": .string(name), "uid": .string(uid ?? ""),
                                                                 "controller": true, "blockOwnerDeletion": true]]]]
                body(&o)
                let created = try await context.registry.create(slices, namespace: namespace, object: o, options: context.options)
                _ = await sliceCache.waitUntilFresh(created.revision)
            }
        }
        for extra in existing.dropFirst(wanted.count) {
            _ = try await context.registry.delete(slices, namespace: namespace, name: extra.name, options: DeleteOptions(), write: context.options)
        }
    }
}
