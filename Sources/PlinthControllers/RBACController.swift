import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON
import ServiceLifecycle

/// Keeps the default RBAC objects in place (upstream's bootstrap policy: created when missing,
/// brought back in step when annotated `rbac.authorization.kubernetes.io/autoupdate: "true"`)
/// and fills the rules of aggregated ClusterRoles (`admin`, `edit`, `view`, …) from the roles
/// their selectors match. Level-triggered: every ClusterRole event reconciles every aggregated role.
public struct RBACController: Service {
    let core: APIServerCore
    let logger: Logger

    public init(core: APIServerCore, logger: Logger) {
        self.core = core
        self.logger = logger
    }

    func type(_ plural: String) -> ResourceType {
        core.catalog.lookup(group: "rbac.authorization.k8s.io", version: "v1", plural: plural)!
    }

    public func run() async throws {
        let clusterRoles = type("clusterroles")
        let cache = try core.registry.cache(clusterRoles)
        await cache.waitUntilReady()
        await bootstrap()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard let (events, _) = try? cache.watch(from: .currentState, filter: .everything) else {
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                for await _ in events { await aggregate(cache) }
            }
        }
    }

    /// Creates missing bootstrap roles and bindings; restores auto-updated ones that drifted.
    func bootstrap() async {
        for (plural, objects) in [("clusterroles", BootstrapPolicy.clusterRoles), ("clusterrolebindings", BootstrapPolicy.clusterRoleBindings)] {
            let r = type(plural)
            for wanted in objects {
                guard let name = wanted.string("metadata", "name") else { continue }
                do {
                    let live = try await core.registry.get(r, namespace: nil, name: name).object
                    guard live[path: ["metadata", "annotations", "rbac.authorization.kubernetes.io/autoupdate"]]?.stringValue == "true" else { continue }
                    let aggregated = wanted["aggregationRule"] != nil
                    let drifted = ["roleRef", "subjects", "aggregationRule"].contains { live[$0] != wanted[$0] }
                        || (!aggregated && live["rules"] != wanted["rules"])
                    guard drifted else { continue }
                    _ = try await core.registry.guaranteedUpdate(r, namespace: nil, name: name, precondition: nil,
                                                                 options: WriteOptions(fieldManager: "plinth-rbac-bootstrap")) { current throws(APIError) in
                        var next = current
                        for k in ["roleRef", "subjects", "aggregationRule"] { next[k] = wanted[k] }
                        if !aggregated { next["rules"] = wanted["rules"] }
                        return next
                    }
                } catch let e where e.code == 404 {
                    do {
                        _ = try await core.registry.create(r, namespace: nil, object: wanted, options: WriteOptions(fieldManager: "plinth-rbac-bootstrap"))
                    } catch let e where e.code == 409 {
                        continue
                    } catch {
                        logger.warning("creating \(plural) \(name): \(error)")
                    }
                } catch {
                    logger.warning("bootstrapping \(plural) \(name): \(error)")
                }
            }
        }
    }

    /// Writes the aggregated rules of every ClusterRole that has an aggregation rule.
    func aggregate(_ cache: WatchCache) async {
        let r = type("clusterroles")
        let all = cache.objects().map(\.object)
        for role in all {
            guard let rules = ClusterRoleAggregation.rules(for: role, among: all), let name = role.string("metadata", "name") else { continue }
            if (role["rules"]?.arrayValue ?? []) == rules { continue }
            do {
                _ = try await core.registry.guaranteedUpdate(r, namespace: nil, name: name, precondition: nil,
                                                             options: WriteOptions(fieldManager: "clusterrole-aggregation-controller")) { current throws(APIError) in
                    guard current["aggregationRule"] != nil else { return current }
                    var next = current
                    next["rules"] = .array(ClusterRoleAggregation.rules(for: current, among: all) ?? rules)
                    return next
                }
            } catch where error.code == 404 {
                continue
            } catch {
                logger.warning("aggregating clusterrole \(name): \(error)")
            }
        }
    }
}
