import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// What a workload controller uses to act through the registry the way upstream's controllers act
/// through the API: writes as the controller's ServiceAccount with the admission chain (so quota
/// and limit ranges apply to the pods it makes), reads from the watch caches, Events about the
/// objects it manages.
public struct WorkloadContext: Sendable {
    public let core: APIServerCore
    /// The controller's name as Events and field managers show it, e.g. `replicaset-controller`.
    public let component: String
    public let logger: Logger

    public init(core: APIServerCore, component: String, logger: Logger) {
        self.core = core
        self.component = component
        self.logger = logger
    }

    var registry: ObjectRegistry { core.registry }

    /// The served resource, or nil while it is not served.
    func type(_ group: String, _ version: String, _ plural: String) -> ResourceType? {
        core.catalog.lookup(group: group, version: version, plural: plural)
    }

    /// The watch cache of a served resource, once it has loaded.
    func readyCache(_ r: ResourceType) async throws -> WatchCache {
        let cache = try registry.cache(r)
        await cache.waitUntilReady()
        return cache
    }

    /// Writes as `system:serviceaccount:kube-system:<component>`, through admission.
    var options: WriteOptions {
        WriteOptions(fieldManager: component, admission: core.admission.plugins.isEmpty ? nil : core.admission,
                     user: UserInfo(username: "system:serviceaccount:kube-system:\(component)",
                                    groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]))
    }

    /// Records an Event about `object` (of `kind` in `apiVersion`) as `kubectl describe` shows it.
    func event(_ object: JSON, kind: String, apiVersion: String, reason: String, _ message: String, type: String = "Normal") async {
        guard let events = self.type("", "v1", "events"), let ns = object.string("metadata", "namespace") else { return }
        let event = EventObject.about(object, kind: kind, apiVersion: apiVersion, reason: reason, message: message, type: type,
                                      component: component, now: Timestamp.now())
        do {
            _ = try await registry.create(events, namespace: ns, object: event, options: WriteOptions(fieldManager: component))
        } catch {
            logger.debug("\(component): recording \(reason): \(error)")
        }
    }

    /// Sets `status` of the object if it differs, keeping everything else as the store has it.
    /// Returns the written object (or the current one when nothing changed).
    @discardableResult
    func writeStatus(_ r: ResourceType, namespace: String, name: String, uid: String?, _ status: (JSON) -> JSON) async throws(APIError) -> CachedObject {
        try await registry.guaranteedUpdate(r, namespace: namespace, name: name, precondition: nil,
                                            options: WriteOptions(fieldManager: component)) { current throws(APIError) in
            if let uid, current.string("metadata", "uid") != uid { throw APIError.conflict(r, name) }
            var next = current
            next["status"] = status(current)
            return next
        }
    }
}
