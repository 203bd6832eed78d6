import Foundation
import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthControllers
import PlinthScheduler
import PlinthStorage
import PlinthStorageSQLite
import ServiceLifecycle
import Synchronization

/// Assembles and runs the control plane: store, watch caches, API server, controllers.
enum ControlPlane {
    /// What the local host agent of `plinth up` is run with.
    struct LocalAgentSettings {
        var registries: RegistryOptions
        var podNetwork: PodNetworkOptions
        var port: Int
    }

    static func run(_ options: ControlPlaneOptions, role: String, localAgent: LocalAgentSettings? = nil) async throws {
        var configuredLogger = Logger(label: "plinth")
        configuredLogger.logLevel = Logger.Level(rawValue: options.logLevel) ?? .info
        let logger = configuredLogger
        let started = ContinuousClock.now
        let dataDir = options.resolvedDataDir
        let (host, port) = try options.hostAndPort()
        var certHosts = [host]
        if host == "0.0.0.0" || host == "::" { certHosts.append(ProcessInfo.processInfo.hostName) }
        let credentials = try ServerCredentials.loadOrCreate(in: dataDir, hosts: certHosts.filter { $0 != "0.0.0.0" && $0 != "::" })
        let storage = try SQLiteStore(path: dataDir + "/plinth.db")
        let registry = ObjectRegistry(storage: storage, catalog: ResourceCatalog(BuiltinResources.all), logger: logger)
        var audit: AuditLog?
        if options.auditLog != "off" {
            var policy = AuditPolicy.default
            if let file = options.auditPolicy { policy = try AuditPolicy(file: file) }
            audit = AuditLog(path: options.auditLog ?? dataDir + "/audit.log", policy: policy,
                             maxBytes: options.auditLogMaxsize << 20, maxBackups: options.auditLogMaxbackup, logger: logger)
        }
        let keys = try SigningKeyRing(directory: dataDir + "/signing-keys", legacyKeyPath: dataDir + "/token-signing.key")
        let issuer = TokenIssuer(keys: keys, sessionLifetime: options.tokenLifetimeSeconds ?? 10 * 3600)
        let directory = UserDirectory(registry: registry)
        let tokens = TokenAuthenticator(issuer: issuer, directory: directory, registry: registry)
        let core = APIServerCore(registry: registry,
                                 authenticator: UnionAuthenticator([AdminTokenAuthenticator(token: credentials.adminToken), tokens]),
                                 authorizer: UnionAuthorizer([SystemMastersAuthorizer(), RBACAuthorizer(registry: registry)]),
                                 identity: IdentityService(directory: directory, issuer: issuer, tokens: tokens),
                                 admission: AdmissionChain([NamespaceSelfService(registry: registry), DefaultTolerationSeconds(),
                                                            LimitRanger(registry: registry),
                                                            ResourceQuotaAdmission(registry: registry)]),
                                 audit: audit, agents: try AgentConnections(credentials: credentials), logger: logger)
        let kubeconfigPath = dataDir + "/admin.kubeconfig"
        let announce = Announcer()
        let server = APIServerService(core: core, configuration: APIServerConfiguration(host: host, port: port, credentials: credentials),
                                      logger: logger) { boundPort in
            let clientHost = (host == "0.0.0.0" || host == "::") ? "127.0.0.1" : host
            let url = "https://\(clientHost.contains(":") ? "[\(clientHost)]" : clientHost):\(boundPort)"
            do {
                try Kubeconfig.write(to: kubeconfigPath, server: url, caPEM: credentials.caCertificatePEM, token: credentials.adminToken)
            } catch {
                logger.error("cannot write \(kubeconfigPath): \(error)")
            }
            announce.listening(url: url)
        }
        func workload(_ component: String) -> WorkloadContext { WorkloadContext(core: core, component: component, logger: logger) }
        let loadBalancers: [any Service] = try options.loadBalancerPool.flatMap { IPv4Subnet($0) }.map {
            [ReconcilerService(core: core, reconciler: try LoadBalancerController(core: core, pool: $0, logger: logger), workers: 1, logger: logger)]
        } ?? []
        let workloads: [any Service] = loadBalancers + [
            ReconcilerService(core: core, reconciler: try ReplicaSetController(.replicaSets, context: workload("replicaset-controller")), logger: logger),
            ReconcilerService(core: core, reconciler: try ReplicaSetController(.replicationControllers, context: workload("replication-controller")),
                              logger: logger),
            ReconcilerService(core: core, reconciler: try DeploymentController(context: workload("deployment-controller")), logger: logger),
            ReconcilerService(core: core, reconciler: try DaemonSetController(context: workload("daemon-set-controller")), logger: logger),
            ReconcilerService(core: core, reconciler: try JobController(context: workload("job-controller")), logger: logger),
            ReconcilerService(core: core, reconciler: try CronJobController(context: workload("cronjob-controller")), logger: logger),
            ReconcilerService(core: core, reconciler: try EndpointsController(context: workload("endpoints-controller")), logger: logger),
            ReconcilerService(core: core, reconciler: try DisruptionController(context: workload("disruption-controller")), logger: logger),
            ReconcilerService(core: core, reconciler: try NodeCIDRController(core: core, allocator: options.nodeCIDRs, logger: logger),
                              workers: 1, logger: logger),
        ]
        let readyWatcher = ReadyAnnouncer(core: core, announce: announce, kubeconfigPath: kubeconfigPath, role: role, started: started)
        // The audit log is first so it stops last, after everything that records into it.
        let services: [any Service] = (audit.map { [$0] } ?? []) + [
            WatchCacheService(core: core, logger: logger),
            server,
            CompactionService(core: core, logger: logger),
            DefaultObjectsController(core: core, logger: logger),
            RBACController(core: core, logger: logger),
            ResourceQuotaController(core: core, logger: logger),
            NamespacePolicyController(core: core, logger: logger),
            GarbageCollector(core: core, logger: logger),
            NamespaceController(core: core, logger: logger),
            PodTerminationController(core: core, logger: logger),
        ] + workloads + [
            Scheduler(core: core, logger: logger),
            NodeLifecycleController(core: core, logger: logger,
                                    gracePeriod: .seconds(ControlPlaneOptions.seconds(options.nodeMonitorGracePeriod) ?? 50),
                                    monitorPeriod: .seconds(ControlPlaneOptions.seconds(options.nodeMonitorPeriod) ?? 5)),
            readyWatcher,
        ]
        var configured = services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if let localAgent {
            var agentLogger = logger
            agentLogger[metadataKey: "component"] = "agent"
            configured.append(.init(service: LocalAgent(announce: announce, kubeconfigPath: kubeconfigPath, directory: dataDir + "/agent",
                                                        registries: localAgent.registries, podNetwork: localAgent.podNetwork, port: localAgent.port, logger: agentLogger)))
        }
        if ProcessInfo.processInfo.environment["PLINTH_EXIT_WITH_PARENT"] == "1" {
            configured.append(.init(service: ParentWatcher(logger: logger), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        var groupConfiguration = ServiceGroupConfiguration(services: configured, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Watches end at once on shutdown, but connections whose clients went away mid-shutdown
        // can keep the HTTP server waiting: after 10 s what is left is cancelled (kube-apiserver
        // bounds its shutdown too).
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            await core.agents?.shutdown()
            throw error
        }
        await core.agents?.shutdown()
        print("plinth: stopped")
    }
}

/// The URL the API server listens on, for the services that wait for it (the ready banner, the
/// local host agent).
final class Announcer: Sendable {
    private struct State {
        var url: String?
        var waiters: [Int: CheckedContinuation<String?, Never>] = [:]
        var nextID = 0
    }
    private let state = Mutex(State())

    func listening(url: String) {
        let waiting = state.withLock { s in
            s.url = url
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for w in waiting { w.resume(returning: url) }
    }

    /// The URL once the server listens; nil if the calling task is cancelled first (the server
    /// never came up and the group is shutting down).
    func waitForURL() async -> String? {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<String?, Never>) in
                let ready: String?? = state.withLock { s in
                    if let url = s.url { return .some(url) }
                    if Task.isCancelled { return .some(nil) }
                    s.waiters[id] = c
                    return .none
                }
                if let ready { c.resume(returning: ready) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }
}

struct ReadyAnnouncer: Service {
    let core: APIServerCore
    let announce: Announcer
    let kubeconfigPath: String
    let role: String
    let started: ContinuousClock.Instant

    func run() async throws {
        guard let url = await cancelWhenGracefulShutdown({ await announce.waitForURL() }) ?? nil else { return }
        while !core.isReady { try await Task.sleep(for: .milliseconds(5)) }
        let elapsed = ContinuousClock.now - started
        let ms = Int(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        print("""
            plinth \(role) is ready at \(url) (\(ms) ms)
            admin kubeconfig: \(kubeconfigPath)
              export KUBECONFIG=\(kubeconfigPath)
              kubectl get namespaces
            """)
        fflush(nil)
        try? await gracefulShutdown()
    }
}
