import Foundation
import Logging
import PlinthAPIMachinery
import PlinthClient
import PlinthControllers
import PlinthJSON
import PlinthImages
import PlinthRuntime
import ServiceLifecycle

/// The agent of one host (the kubelet's part in upstream, the Spherelet in the original): it
/// registers the host's Node, renews the Node's Lease, watches the pods bound to the Node and
/// makes its runtime run them, posting each pod's status. It talks to the API server only
/// through the API, with the credentials it was given.
///
/// Pods are reconciled by key through a `WorkQueue`: on every watch event and every
/// `resyncSeconds`. Stopping the agent leaves its pods running; a restarted agent finds them
/// through `PodRuntime.sandboxes()`. With a `PodNetwork` the agent is also the host's network
/// daemon (the CNI plugin, kube-proxy and node-local DNS of upstream): it builds the network
/// from its Node's pod CIDR and routes to the other hosts', serves Services and the cluster
/// DNS, and enforces NetworkPolicies (HostAgent+Network, +ServiceProxy, +NetworkPolicy).
public struct HostAgent: Service {
    let config: HostAgentConfiguration
    let api: APIClient
    let runtime: any PodRuntime
    /// The host's pod network, built from the Node's pod CIDR (nil: the runtime has none).
    let network: (any PodNetwork)?
    let system: SystemInfo
    let logger: Logger
    let backOff = ContainerBackOff()
    let probeResults = ProbeResults()

    public init(config: HostAgentConfiguration, api: APIClient, runtime: any PodRuntime, network: (any PodNetwork)? = nil,
                system: SystemInfo = .current(), logger: Logger) {
        self.config = config
        self.api = api
        self.runtime = runtime
        self.network = network
        self.system = system
        self.logger = logger
    }

    var nodePath: String { "/api/v1/nodes/\(config.nodeName)" }

    /// How many watches an agent keeps open (each holds an HTTP/1.1 connection): its pods, and
    /// with a pod network the Nodes (twice), Services, EndpointSlices, every pod, namespaces and
    /// NetworkPolicies. Its client needs that many connections and some for everything else.
    public static func watches(withNetwork: Bool) -> Int { withNetwork ? 8 : 1 }

    public func run() async throws {
        guard let nodeUID = await cancelWhenGracefulShutdown({ await self.registerUntilDone() }) else { return }
        let pods = BoundPods()
        let queue = WorkQueue<String>()
        await withDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown { await self.heartbeat(nodeUID: nodeUID) }
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await self.follow(into: pods, queue) }
                await queue.shutdown()
            }
            // Many workers, as the kubelet has one per pod: a pod's grace period or image pull must
            // not hold up the others (they mostly wait); the queue never hands one pod to two.
            for _ in 0..<16 {
                group.addTask {
                    while let key = await queue.next() {
                        await self.sync(key, pods)
                        await queue.done(key)
                    }
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await self.relist(queue) }
            }
            if let network {
                group.addTask {
                    await cancelWhenGracefulShutdown { await self.followNodes(network) }
                }
                let services = ProxiedServices()
                group.addTask {
                    await cancelWhenGracefulShutdown { await self.proxyServices(network, services) }
                }
                group.addTask {
                    await cancelWhenGracefulShutdown { await self.serveDNS(network, services) }
                }
                group.addTask {
                    await cancelWhenGracefulShutdown { await self.enforceNetworkPolicies(network) }
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await self.probeLoop(pods, queue) }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(self.config.resyncSeconds))
                        await queue.add(contentsOf: await self.orphanKeys(pods) + pods.keys())
                    }
                }
            }
        }
        await tearDownUnusedNetwork()
    }

    // MARK: Node and Lease

    /// Registers the Node (or takes over an existing one, updating its labels and status) and
    /// returns its uid; retries every second until the server answers.
    func registerUntilDone() async -> String? {
        while !Task.isCancelled {
            do { return try await register() } catch {
                logger.warning("registering node \(config.nodeName): \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return nil
    }

    func register() async throws -> String {
        let now = Timestamp.now()
        let node = NodeObject.node(config, runtime: runtime.handler, runtimeVersion: runtime.version, system: system, now: now)
        let (code, created) = try await api.send(.POST, "/api/v1/nodes", body: node.serialized())
        if code == 201, let uid = created.string("metadata", "uid") {
            logger.info("registered node \(config.nodeName)")
            return uid
        }
        guard code == 409 else { throw ClientError("creating node: \(created.string("message") ?? "HTTP \(code)")") }
        let existing = try await api.request(.PATCH, nodePath, ["metadata": ["labels": node[path: ["metadata", "labels"]] ?? [:]]],
                                             contentType: "application/merge-patch+json")
        try await postNodeStatus(previous: existing["status"])
        guard let uid = existing.string("metadata", "uid") else { throw ClientError("node \(config.nodeName) has no uid") }
        logger.info("took over existing node \(config.nodeName)")
        return uid
    }

    func postNodeStatus(previous: JSON?) async throws {
        let status = NodeObject.status(config, runtimeVersion: runtime.version, system: system, previous: previous, now: Timestamp.now())
        try await api.request(.PATCH, nodePath + "/status", ["status": status], contentType: "application/merge-patch+json")
    }

    /// Renews the Lease every quarter of its duration and posts the Node's status when it is not
    /// Ready (after the node lifecycle controller marked it unknown) or a minute has passed since
    /// the last post. The Lease is updated from the copy the last write returned (one request per
    /// renewal), read again only on a conflict, and recreated when missing; a Node deleted
    /// meanwhile is registered again and the Lease follows the new Node's uid.
    func heartbeat(nodeUID: String) async {
        let leases = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"
        let leasePath = leases + "/" + config.nodeName
        var nodeUID = nodeUID
        var lease: JSON?
        var lastStatus = ContinuousClock.now
        while !Task.isCancelled {
            do {
                let renew = Timestamp.micro()
                if lease == nil {
                    let (code, current) = try await api.send(.GET, leasePath)
                    guard code == 200 || code == 404 else { throw ClientError("reading lease: \(current.string("message") ?? "HTTP \(code)")") }
                    lease = code == 200 ? .some(current) : .none
                }
                if var next = lease {
                    next[path: ["spec", "renewTime"]] = .string(renew)
                    next[path: ["spec", "holderIdentity"]] = .string(config.nodeName)
                    next[path: ["metadata", "ownerReferences"]] = NodeObject.lease(config, nodeUID: nodeUID, renewTime: renew)[path: ["metadata", "ownerReferences"]]
                    let (code, written) = try await api.send(.PUT, leasePath, body: next.serialized())
                    lease = code == 200 ? .some(written) : .none
                    if code != 200 && code != 409 && code != 404 { throw ClientError("renewing lease: \(written.string("message") ?? "HTTP \(code)")") }
                } else {
                    lease = try await api.request(.POST, leases, NodeObject.lease(config, nodeUID: nodeUID, renewTime: renew))
                }
                let (nodeCode, node) = try await api.send(.GET, nodePath)
                if nodeCode == 404 {
                    nodeUID = try await register()
                    lease = nil
                } else if Conditions.status(node, "Ready") != "True" || ContinuousClock.now - lastStatus > .seconds(60) {
                    try await postNodeStatus(previous: node["status"])
                    lastStatus = .now
                }
            } catch {
                lease = nil
                logger.warning("node \(config.nodeName) heartbeat: \(error)")
            }
            try? await Task.sleep(for: .seconds(max(1, config.leaseDurationSeconds / 4)))
        }
    }

    // MARK: Pods

    var podsPath: String {
        "/api/v1/pods?fieldSelector=spec.nodeName%3D\(config.nodeName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? config.nodeName)"
    }

    /// Lists the pods bound to this host, then watches from that list's revision, queueing each
    /// changed pod; lists again when the watch cannot resume.
    func follow(into pods: BoundPods, _ queue: WorkQueue<String>) async {
        await listAndWatch(podsPath, what: "pods", replace: { items in
            var byKey: [String: JSON] = [:]
            for p in items { byKey[Self.key(p)] = p }
            await queue.add(contentsOf: await pods.replace(with: byKey))
        }, apply: { change in
            let key = Self.key(change.object)
            if change.type == "DELETED" { await pods.remove(key, deleted: change.object) } else { await pods.set(key, change.object) }
            await queue.add(key)
        })
    }

    /// `namespace/name` of a pod, or of any namespaced object the agent keeps by key.
    static func key(_ object: JSON) -> String {
        (object.string("metadata", "namespace") ?? "") + "/" + (object.string("metadata", "name") ?? "")
    }

    /// Looks at what the runtime runs every second and queues the pods whose containers changed
    /// state (upstream's pod lifecycle event generator): containers exit without an API event.
    func relist(_ queue: WorkQueue<String>) async {
        var seen: [String: [String]] = [:]
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard let held = try? await runtime.sandboxes() else { continue }
            var now: [String: [String]] = [:]
            for s in held {
                now[s.podUID] = s.containers.map { "\($0.name)/\($0.attempt)/\($0.state)" }.sorted()
                if seen[s.podUID] != nil && seen[s.podUID] != now[s.podUID] { await queue.add(s.namespace + "/" + s.name) }
            }
            seen = now
        }
    }

    /// Keys of sandboxes whose pod this agent no longer knows (deleted while it was away).
    func orphanKeys(_ pods: BoundPods) async -> [String] {
        let known = Set(await pods.keys())
        let held = (try? await runtime.sandboxes()) ?? []
        return held.map { $0.namespace + "/" + $0.name }.filter { !known.contains($0) }
    }

    /// Moves one pod a step toward its spec: removes sandboxes of pods that are gone or
    /// replaced, finishes deletion, or starts what is missing and posts the status.
    func sync(_ key: String, _ pods: BoundPods) async {
        let pod = await pods.pod(key)
        do {
            let sandboxes = try await runtime.sandboxes().filter { $0.namespace + "/" + $0.name == key }
            let uid = pod?.string("metadata", "uid")
            for stale in sandboxes where stale.podUID != uid {
                // A pod deleted before this agent finished it keeps the grace its deletion gave.
                let grace = await pods.takeGrace(uid: stale.podUID) ?? 30
                try await runtime.removeSandbox(podUID: stale.podUID, gracePeriod: .seconds(grace))
            }
            guard let pod, let uid else { return }
            if pod[path: ["metadata", "deletionTimestamp"]] != nil {
                try await terminate(pod, uid: uid)
                return
            }
            if PodPhase.isTerminal(pod) { return }
            let sandbox = try await start(pod, uid: uid, existing: sandboxes.first { $0.podUID == uid })
            let status = PodStatusBuilder.status(pod: pod, sandbox: sandbox, hostIP: config.address, now: Timestamp.now(),
                                                 waits: await backOff.waits(podUID: uid), probes: await probeResults.of(podUID: uid))
            if status != pod["status"] {
                let namespace = pod.string("metadata", "namespace") ?? ""
                let (code, answer) = try await api.send(.PATCH, "/api/v1/namespaces/\(namespace)/pods/\(pod.string("metadata", "name") ?? "")/status",
                                                        body: (["status": status] as JSON).serialized(), contentType: "application/merge-patch+json")
                // The watch brings the written pod; storing this answer could undo a newer change it already brought.
                if code != 200 && code != 404 {
                    throw ClientError("posting status: \(answer.string("message") ?? "HTTP \(code)")")
                }
            }
        } catch {
            logger.warning("pod \(key) on \(config.nodeName): \(error)")
        }
    }

    /// Runs the pod's sandbox, its init containers one after another, then starts each
    /// container that has not started, or has exited and must run again under the pod's
    /// `restartPolicy` (after its back-off), pulling its image as `imagePullPolicy` says; records
    /// upstream's Events on the way.
    func start(_ pod: JSON, uid: String, existing: SandboxStatus?) async throws -> SandboxStatus {
        let namespace = pod.string("metadata", "namespace") ?? "", name = pod.string("metadata", "name") ?? ""
        var sandbox: SandboxStatus
        if let existing { sandbox = existing } else {
            do {
                let hostDNS = PodDNSPolicy.parse(resolvConf: (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? "")
                let dns = PodDNSPolicy.config(pod: pod, clusterDNS: try await clusterDNSAddress(), domain: config.clusterDomain, host: hostDNS)
                sandbox = try await runtime.runSandbox(PodSandboxSpec(podUID: uid, namespace: namespace, name: name,
                                                                      hostname: pod.string("spec", "hostname") ?? name, runtimeHandler: runtime.handler,
                                                                      dns: dns))
            } catch {
                await record(pod, reason: "FailedCreatePodSandBox", message: "Failed to create pod sandbox: \(error)", fieldPath: nil, type: "Warning")
                throw error
            }
        }
        let restartPolicy = pod.string("spec", "restartPolicy") ?? "Always"
        // Init containers run one at a time, in order, each to a successful end, before any
        // other container starts; a failed one is retried (after its back-off) unless the
        // pod's restartPolicy is Never, which fails the pod.
        for c in pod[path: ["spec", "initContainers"]]?.arrayValue ?? [] {
            guard let cname = c.string("name") else { continue }
            var attempt = 0
            if let current = sandbox.container(cname) {
                guard case .exited(let code, _, _, _) = current.state else { return sandbox }
                if code == 0 { continue }
                guard restartPolicy != "Never", await mayRestart(cname, pod: pod, uid: uid) else { return sandbox }
                attempt = current.attempt + 1
            }
            try await launch(c, pod: pod, uid: uid, attempt: attempt, fieldPath: "spec.initContainers{\(cname)}", into: &sandbox)
            return sandbox
        }
        for c in pod[path: ["spec", "containers"]]?.arrayValue ?? [] {
            guard let cname = c.string("name") else { continue }
            var attempt = 0
            if let current = sandbox.container(cname) {
                guard case .exited(let code, _, _, _) = current.state else { continue }
                guard restartPolicy == "Always" || (restartPolicy == "OnFailure" && code != 0) else { continue }
                guard await mayRestart(cname, pod: pod, uid: uid) else { continue }
                attempt = current.attempt + 1
            }
            try await launch(c, pod: pod, uid: uid, attempt: attempt, fieldPath: "spec.containers{\(cname)}", into: &sandbox)
        }
        return sandbox
    }

    /// Whether an exited container's back-off has passed; if not, shows `CrashLoopBackOff`.
    func mayRestart(_ cname: String, pod: JSON, uid: String) async -> Bool {
        let key = uid + "/" + cname
        guard await backOff.mayTry(key) else {
            let delay = Int((await backOff.remaining(key)).components.seconds) + 1
            let (namespace, name) = (pod.string("metadata", "namespace") ?? "", pod.string("metadata", "name") ?? "")
            await backOff.show(key, .init(reason: "CrashLoopBackOff",
                                          message: "back-off \(delay)s restarting failed container=\(cname) pod=\(name)_\(namespace)(\(uid))"))
            return false
        }
        return true
    }

    /// Pulls container `c`'s image as its `imagePullPolicy` says and starts its run `attempt`,
    /// recording upstream's Events; a pull or configuration failure is shown as the container's
    /// waiting reason instead.
    func launch(_ c: JSON, pod: JSON, uid: String, attempt: Int, fieldPath: String, into sandbox: inout SandboxStatus) async throws {
        guard let cname = c.string("name") else { return }
        let key = uid + "/" + cname
        let image = c.string("image") ?? ""
        guard await backOff.mayTry(key) else {
            await backOff.show(key, .init(reason: "ImagePullBackOff", message: "Back-off pulling image \"\(image)\""))
            return
        }
        let policy = ImagePullPolicy(rawValue: c.string("imagePullPolicy") ?? "") ?? .ifNotPresent
        do {
            let began = ContinuousClock.now
            if policy == .always { await record(pod, reason: "Pulling", message: "Pulling image \"\(image)\"", fieldPath: fieldPath) }
            let outcome = try await runtime.ensureImage(image, policy: policy, credentials: [:])
            if outcome.pulled {
                let (seconds, attoseconds) = (ContinuousClock.now - began).components
                let took = GoDuration.format(nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
                await record(pod, reason: "Pulled", message: "Successfully pulled image \"\(image)\" in \(took) (\(took) including waiting). Image size: \(outcome.size) bytes.", fieldPath: fieldPath)
            } else if policy != .always {
                await record(pod, reason: "Pulled", message: "Container image \"\(image)\" already present on machine", fieldPath: fieldPath)
            }
        } catch let e as ImagePullError {
            await backOff.failed(key, wait: .init(reason: e.reason.rawValue, message: e.description))
            await record(pod, reason: "Failed", message: "Failed to pull image \"\(image)\": \(e.description)", fieldPath: fieldPath, type: "Warning")
            await record(pod, reason: "Failed", message: "Error: \(e.reason.rawValue)", fieldPath: fieldPath, type: "Warning")
            return
        }
        let spec: ContainerSpec
        do { spec = try await containerSpec(c, pod: pod, attempt: attempt) } catch {
            await backOff.show(key, .init(reason: "CreateContainerConfigError", message: "\(error)"))
            await record(pod, reason: "Failed", message: "Error: \(error)", fieldPath: fieldPath, type: "Warning")
            return
        }
        if attempt > 0 { await backOff.failed(key, wait: nil) } else { await backOff.succeeded(key) }
        let started = try await runtime.startContainer(spec, podUID: uid)
        sandbox.containers.removeAll { $0.name == cname }
        sandbox.containers.append(started)
        await record(pod, reason: "Created", message: "Created container: \(cname)", fieldPath: fieldPath)
        await record(pod, reason: "Started", message: "Started container \(cname)", fieldPath: fieldPath)
    }

    /// What the runtime needs to start container `c`: command line, environment with
    /// `valueFrom` resolved (fieldRef, ConfigMap and Secret keys), resources.
    func containerSpec(_ c: JSON, pod: JSON, attempt: Int) async throws -> ContainerSpec {
        var env: [(name: String, value: String)] = []
        let namespace = pod.string("metadata", "namespace") ?? ""
        for e in c["env"]?.arrayValue ?? [] {
            guard let name = e.string("name") else { continue }
            if let value = e.string("value") { env.append((name, value)); continue }
            guard let from = e["valueFrom"] else { env.append((name, "")); continue }
            if let field = from.string("fieldRef", "fieldPath") {
                guard let value = fieldValue(field, pod: pod) else { throw ClientError("unsupported fieldRef \(field) for env \(name)") }
                env.append((name, value))
            } else if let ref = from["configMapKeyRef"] ?? from["secretKeyRef"] {
                let secret = from["secretKeyRef"] != nil
                let objectName = ref.string("name") ?? "", key = ref.string("key") ?? ""
                let (code, object) = try await api.send(.GET, "/api/v1/namespaces/\(namespace)/\(secret ? "secrets" : "configmaps")/\(objectName)")
                var value: String?
                if code == 200 {
                    if secret { value = object.string("data", key).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } }
                    else { value = object.string("data", key) }
                }
                if let value { env.append((name, value)) }
                else if ref["optional"]?.boolValue != true {
                    throw ClientError(code == 200 ? "couldn't find key \(key) in \(secret ? "Secret" : "ConfigMap") \(namespace)/\(objectName)"
                                                  : "\(secret ? "secret" : "configmap") \"\(objectName)\" not found")
                }
            }
        }
        func quantity(_ section: String, _ resource: String) -> Quantity? {
            c[path: ["resources", section, resource]]?.stringValue.flatMap { Quantity($0) }
        }
        var spec = ContainerSpec(name: c.string("name") ?? "", image: c.string("image") ?? "",
                             command: (c["command"]?.arrayValue ?? []).compactMap(\.stringValue),
                             args: (c["args"]?.arrayValue ?? []).compactMap(\.stringValue), workingDir: c.string("workingDir"),
                             env: env, attempt: attempt, memoryLimitBytes: quantity("limits", "memory")?.value,
                             cpuLimitMillis: quantity("limits", "cpu")?.milliValue, cpuRequestMillis: quantity("requests", "cpu")?.milliValue)
        spec.mounts = try await prepareVolumes(for: c, pod: pod)
        spec.stdin = c["stdin"]?.boolValue ?? false
        spec.stdinOnce = spec.stdin && c["stdinOnce"]?.boolValue == true
        return spec
    }

    /// A pod field as `fieldRef` names it (env and downward API volumes); nil for a field the
    /// downward API does not offer.
    func fieldValue(_ field: String, pod: JSON) -> String? {
        switch field {
        case "metadata.name", "metadata.namespace", "metadata.uid": return pod.string("metadata", String(field.dropFirst(9)))
        case "spec.nodeName", "spec.serviceAccountName": return pod.string("spec", String(field.dropFirst(5)))
        case "status.hostIP": return config.address
        case "status.podIP": return pod.string("status", "podIP") ?? ""
        case "metadata.labels", "metadata.annotations":
            // The downward API's `key="value"` lines, sorted by key.
            let map = pod[path: ["metadata", String(field.dropFirst(9))]]?.objectValue ?? JSONObject()
            return map.map { k, v in "\(k)=\(String(reflecting: v.stringValue ?? ""))" }.sorted().joined(separator: "\n")
        default:
            if field.hasPrefix("metadata.labels['"), field.hasSuffix("']") { return pod.string("metadata", "labels", String(field.dropFirst(17).dropLast(2))) ?? "" }
            if field.hasPrefix("metadata.annotations['"), field.hasSuffix("']") { return pod.string("metadata", "annotations", String(field.dropFirst(22).dropLast(2))) ?? "" }
            return nil
        }
    }

    /// Stops the pod's containers within its grace period, then deletes the pod for good
    /// (grace 0, only this incarnation by uid), as the kubelet finishes a graceful deletion.
    func terminate(_ pod: JSON, uid: String) async throws {
        let grace = pod[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue ?? 30
        try await runtime.removeSandbox(podUID: uid, gracePeriod: .seconds(grace))
        await backOff.forget(podUID: uid)
        let options: JSON = ["kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0, "preconditions": ["uid": .string(uid)]]
        let path = "/api/v1/namespaces/\(pod.string("metadata", "namespace") ?? "")/pods/\(pod.string("metadata", "name") ?? "")"
        let (code, answer) = try await api.send(.DELETE, path, body: options.serialized())
        guard (200..<300).contains(code) || code == 404 || code == 409 else {
            throw ClientError("deleting pod: \(answer.string("message") ?? "HTTP \(code)")")
        }
    }

    /// Records an Event about the pod from this host's agent; failures are only logged.
    func record(_ pod: JSON, reason: String, message: String, fieldPath: String?, type: String = "Normal") async {
        let namespace = pod.string("metadata", "namespace") ?? "default"
        let event = EventObject.about(pod, kind: "Pod", reason: reason, message: message, type: type, component: "kubelet", host: config.nodeName,
                                      instance: config.nodeName, fieldPath: fieldPath, now: Timestamp.now())
        do { try await api.request(.POST, "/api/v1/namespaces/\(namespace)/events", event) } catch {
            logger.debug("recording event \(reason) for \(namespace)/\(pod.string("metadata", "name") ?? ""): \(error)")
        }
    }
}
