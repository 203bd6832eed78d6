import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// The write of a controller that hands out something unique (a pod CIDR, a load-balancer
/// address) from what its cache shows: `next` replaces `base` only if nothing changed it, and
/// the next decision waits until the cache shows this one, so nothing is handed out twice.
enum AllocationWrite {
    /// nil once written; otherwise when to look at the object again (soon after a conflict,
    /// after a second on other errors, which are logged with `what`).
    static func write(_ next: JSON, over base: CachedObject, _ r: ResourceType, core: APIServerCore, cache: WatchCache,
                      logger: Logger, what: String) async -> Duration? {
        do {
            let written = try await core.registry.compareAndSwap(r, base: base, next: next)
            _ = await cache.waitUntilFresh(written.revision)
            return nil
        } catch .stale {
            return .milliseconds(100)
        } catch {
            logger.warning("\(what): \(error)")
            return .seconds(1)
        }
    }
}
