import Foundation
import Hummingbird
import HummingbirdHTTP2
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import PlinthAPIMachinery
import ServiceLifecycle

/// Where and how the API server listens.
public struct APIServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var credentials: ServerCredentials

    public init(host: String, port: Int, credentials: ServerCredentials) {
        self.host = host
        self.port = port
        self.credentials = credentials
    }
}

/// The HTTPS listener (HTTP/2 via ALPN, HTTP/1.1 with WebSocket upgrades otherwise) in front
/// of `APIServerCore`.
public struct APIServerService: Service {
    let core: APIServerCore
    let configuration: APIServerConfiguration
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    public init(core: APIServerCore, configuration: APIServerConfiguration, logger: Logger,
                onListening: @escaping @Sendable (Int) async -> Void) {
        self.core = core
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let core: APIServerCore
        func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            await core.handle(request)
        }
    }

    public func run() async throws {
        let cert = try NIOSSLCertificate(bytes: Array(configuration.credentials.servingCertificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(configuration.credentials.servingKeyPEM.utf8), format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(cert)], privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        let onListening = self.onListening
        let app = Application(
            responder: Responder(core: core),
            server: SecureHTTPChannel.builder(tlsConfiguration: tls) { [core] head, _, _ in await core.webSocketUpgrade(head) },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), backlog: 1024),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        let core = self.core
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: {
            core.stopping.stop()
        }
    }
}

/// Loads every watch cache, serves the custom resources CustomResourceDefinitions define
/// (starting their caches as definitions appear), marks the server ready when all have loaded,
/// and keeps them fed.
public struct WatchCacheService: Service {
    let core: APIServerCore
    let logger: Logger
    public init(core: APIServerCore, logger: Logger = Logger(label: "plinth.watchcache")) {
        self.core = core
        self.logger = logger
    }

    public func run() async throws {
        let core = self.core
        let definitions = CustomResourceDefinitionController(core: core, logger: logger)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for cache in core.registry.allCaches {
                    group.addTask { await cache.run() }
                }
                group.addTask {
                    // Periodic bookmarks let watchers resume from a recent revision.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(30))
                        for cache in core.registry.allCaches { cache.sendBookmarks() }
                    }
                }
                for cache in core.registry.allCaches { await cache.waitUntilReady() }
                guard let crdCache = try? core.registry.cache(BuiltinResources.customResourceDefinitions) else {
                    core.markReady()
                    await group.waitForAll()
                    return
                }
                var cleaning: Set<String> = []
                var first = true
                // Every definition event (and the first pass) reconciles all definitions; the
                // caches a new catalog needs, and clean-ups of deleted definitions, run as
                // children of this group. A watch the cache ended (a relist) is opened again.
                while !Task.isCancelled {
                    guard let (changes, _) = try? crdCache.watch(from: .currentState, filter: .everything) else {
                        try? await Task.sleep(for: .milliseconds(100))
                        continue
                    }
                    var iterator = changes.makeAsyncIterator()
                    repeat {
                        let (fresh, cleanups) = await definitions.reconcile()
                        for cache in fresh { group.addTask { await cache.run() } }
                        for cache in fresh { await cache.waitUntilReady() }
                        for crd in cleanups where cleaning.insert(crd.uid).inserted {
                            group.addTask {
                                await definitions.cleanUp(crd)
                            }
                        }
                        if first {
                            core.markReady()
                            first = false
                        }
                    } while await iterator.next() != nil && !Task.isCancelled
                }
                group.cancelAll()
            }
        }
    }
}

/// Compacts the store's history periodically, keeping a window of recent revisions (upstream
/// compacts every five minutes).
public struct CompactionService: Service {
    let core: APIServerCore
    let interval: Duration
    let keepRevisions: Int64
    let logger: Logger

    public init(core: APIServerCore, interval: Duration = .seconds(300), keepRevisions: Int64 = 10_000, logger: Logger) {
        self.core = core
        self.interval = interval
        self.keepRevisions = keepRevisions
        self.logger = logger
    }

    public func run() async throws {
        let storage = core.registry.storage
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { try await gracefulShutdownSleep(interval) } catch { return }
            do {
                let current = try await storage.currentRevision()
                let compacted = try await storage.compactedRevision()
                let target = current - keepRevisions
                if target > compacted {
                    try await storage.compact(revision: target)
                    logger.debug("compacted store to revision \(target)")
                }
            } catch {
                logger.warning("compaction failed: \(error)")
            }
        }
    }
}

func gracefulShutdownSleep(_ d: Duration) async throws {
    try await cancelWhenGracefulShutdown {
        try await Task.sleep(for: d)
    }
}
