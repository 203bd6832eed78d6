import Foundation
import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON
import ServiceLifecycle

/// Finishes graceful pod deletion that no host agent will finish: a pod marked for deletion whose
/// `deletionTimestamp` has passed and whose node is missing or not Ready is deleted with grace 0
/// (upstream's pod garbage collector). A pod on a Ready node is left to its agent, which deletes
/// it once its containers have stopped — deleting it first would leave them running unseen.
/// Level-triggered: each tick looks at every pod being deleted.
public struct PodTerminationController: Service {
    let core: APIServerCore
    let logger: Logger
    let tick: Duration

    public init(core: APIServerCore, logger: Logger, tick: Duration = .seconds(1)) {
        self.core = core
        self.logger = logger
        self.tick = tick
    }

    public func run() async throws {
        while !core.isReady { try await Task.sleep(for: .milliseconds(10)) }
        guard let pods = core.catalog.lookup(group: "", version: "v1", plural: "pods"),
              let nodeType = core.catalog.lookup(group: "", version: "v1", plural: "nodes") else { return }
        let cache = try core.registry.cache(pods), nodes = try core.registry.cache(nodeType)
        let tick = self.tick
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = Int64(Date().timeIntervalSince1970)
                for pod in cache.objects()
                where pod.bytesContain("\"deletionTimestamp\"") {
                    if let node = pod.object.string("spec", "nodeName"), !node.isEmpty,
                       let n = nodes.get(nodeType.key(namespace: nil, name: node)), Conditions.status(n.object, "Ready") == "True" { continue }
                    await finishIfDue(pods, pod, now: now)
                }
                try? await Task.sleep(for: tick)
            }
        }
    }

    func finishIfDue(_ pods: ResourceType, _ pod: CachedObject, now: Int64) async {
        let o = pod.object
        guard let stamp = o.string("metadata", "deletionTimestamp"), let due = RFC3339.parse(stamp)?.seconds, due <= now,
              (o[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue ?? 0) > 0 else { return }
        do {
            _ = try await core.registry.delete(pods, namespace: pod.namespace, name: pod.name,
                                               options: DeleteOptions(gracePeriodSeconds: 0, uid: o.string("metadata", "uid")))
        } catch where error.code == 404 || error.code == 409 {
            return
        } catch {
            logger.warning("finishing pod \(pod.namespace ?? "")/\(pod.name): \(error)")
        }
    }
}
