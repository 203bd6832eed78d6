import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON
import ServiceLifecycle

/// Keeps the objects every cluster has: the system namespaces, a `default` ServiceAccount in
/// every namespace, and the `kubernetes` Service. Level-triggered: it reconciles every
/// namespace it sees and re-checks on every namespace event.
public struct DefaultObjectsController: Service {
    let core: APIServerCore
    let logger: Logger
    /// Upstream's system namespaces plus `plinth-system` (the user directory lives there).
    public static let systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease", "plinth-system"]

    public init(core: APIServerCore, logger: Logger) {
        self.core = core
        self.logger = logger
    }

    var registry: ObjectRegistry { core.registry }

    func type(_ group: String, _ plural: String) -> ResourceType {
        core.catalog.lookup(group: group, version: "v1", plural: plural)!
    }

    /// Installs Plinth's own CRDs, and brings their spec up to date after an upgrade.
    func installDefinitions() async {
        let crds = type("apiextensions.k8s.io", "customresourcedefinitions")
        for wanted in PlinthDefinitions.all {
            guard let name = wanted.string("metadata", "name") else { continue }
            await ensure(crds, namespace: nil, name: name, wanted)
            _ = try? await registry.guaranteedUpdate(crds, namespace: nil, name: name, precondition: nil,
                                                     options: WriteOptions(fieldManager: "plinth-controller")) { current throws(APIError) in
                var next = current
                next["spec"] = wanted["spec"]
                return next
            }
        }
    }

    public func run() async throws {
        let namespaces = type("", "namespaces")
        let cache = try registry.cache(namespaces)
        await cache.waitUntilReady()
        for ns in Self.systemNamespaces {
            await ensure(namespaces, namespace: nil, name: ns, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(ns)]])
        }
        await installDefinitions()
        await ensure(type("", "services"), namespace: "default", name: "kubernetes", [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": "kubernetes", "namespace": "default", "labels": ["component": "apiserver", "provider": "kubernetes"]],
            "spec": ["type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                     "ports": [["name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443]]],
        ])
        await cancelWhenGracefulShutdown {
            // A watch the cache ended (a relist) is opened again; it replays every namespace.
            while !Task.isCancelled {
                guard let (events, _) = try? cache.watch(from: .currentState, filter: .everything) else {
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                for await event in events {
                    guard case .added(let ns) = event else { continue }
                    await reconcileNamespace(ns.name)
                }
            }
        }
    }

    /// Every active namespace has a `default` ServiceAccount.
    func reconcileNamespace(_ name: String) async {
        let sa = type("", "serviceaccounts")
        await ensure(sa, namespace: name, name: "default",
                     ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": "default", "namespace": .string(name)]])
    }

    func ensure(_ r: ResourceType, namespace: String?, name: String, _ object: JSON) async {
        do {
            _ = try await registry.get(r, namespace: namespace, name: name)
        } catch let e where e.code == 404 {
            do {
                _ = try await registry.create(r, namespace: namespace, object: object, options: WriteOptions(fieldManager: "plinth-controller"))
            } catch let e where e.code == 409 {
                return
            } catch let e where e.code == 403 {
                return  // namespace terminating
            } catch {
                logger.warning("creating \(r.plural) \(namespace ?? "")/\(name): \(error)")
            }
        } catch {
            logger.warning("reading \(r.plural) \(namespace ?? "")/\(name): \(error)")
        }
    }
}
