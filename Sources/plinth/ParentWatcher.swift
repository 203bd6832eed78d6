import Foundation
import Logging
import ServiceLifecycle

/// Ends the process when its parent goes away (enabled by `PLINTH_EXIT_WITH_PARENT=1`): test
/// runners start servers this way, and a crashed runner must not leave them behind.
struct ParentWatcher: Service {
    let logger: Logger

    /// Returns when the parent is gone (the group then shuts down gracefully) or at shutdown.
    func run() async throws {
        let parent = getppid()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                if getppid() != parent {
                    logger.warning("parent process \(parent) exited; shutting down")
                    return
                }
            }
        }
    }
}
