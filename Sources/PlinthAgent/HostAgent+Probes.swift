import AsyncHTTPClient
import Foundation
import NIOSSL
import PlinthControllers
import PlinthJSON
import PlinthRuntime

extension HostAgent {
    /// Which probe of which container run a state belongs to.
    struct ProbeKey: Hashable, Sendable {
        var podUID: String
        var container: String
        var attempt: Int
        var kind: ProbeSpec.Kind
    }

    /// Runs the containers' probes as upstream's prober does, twice a second looking for probes
    /// that are due: a startup probe first (liveness and readiness wait for it), then liveness
    /// and readiness. A readiness change updates the pod's status; a liveness or startup
    /// probe that fails `failureThreshold` times stops the container (Events `Unhealthy`, then
    /// `Killing`), and the pod's `restartPolicy` brings it back.
    func probeLoop(_ pods: BoundPods, _ queue: WorkQueue<String>) async {
        // HTTPS probes do not check certificates, as upstream's do not.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        let http = HTTPClient(eventLoopGroupProvider: .singleton,
                              configuration: .init(tlsConfiguration: tls, redirectConfiguration: .follow(max: 10, allowCycles: false)))
        let prober = Prober(runtime: runtime, http: http)
        var states: [ProbeKey: ProbeState] = [:]
        let clock = ContinuousClock(), origin = clock.now
        func seconds(_ t: ContinuousClock.Instant) -> Double { let c = (t - origin).components; return Double(c.seconds) + Double(c.attoseconds) / 1e18 }
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            guard let sandboxes = try? await runtime.sandboxes() else { continue }
            let byUID = Dictionary(sandboxes.map { ($0.podUID, $0) }, uniquingKeysWith: { a, _ in a })
            var due: [(ProbeKey, ProbeSpec, JSON, String?)] = []
            var live: Set<ProbeKey> = []
            let now = seconds(clock.now), wallNow = Date().timeIntervalSince1970
            for key in await pods.keys() {
                guard let pod = await pods.pod(key), let uid = pod.string("metadata", "uid"), let sandbox = byUID[uid],
                      pod[path: ["metadata", "deletionTimestamp"]] == nil else { continue }
                for c in pod[path: ["spec", "containers"]]?.arrayValue ?? [] {
                    guard let name = c.string("name"), let run = sandbox.container(name), case .running(let startedAt) = run.state else { continue }
                    let specs = ProbeSpec.Kind.allCases.compactMap { ProbeSpec($0, of: c) }
                    guard !specs.isEmpty else { continue }
                    // The run's start on this loop's clock.
                    let started = now - (wallNow - Double(startedAt))
                    let startupPassed = specs.contains { $0.kind == .startup }
                        ? states[ProbeKey(podUID: uid, container: name, attempt: run.attempt, kind: .startup)]?.result == .success : true
                    for spec in specs where spec.kind == .startup || startupPassed {
                        let k = ProbeKey(podUID: uid, container: name, attempt: run.attempt, kind: spec.kind)
                        live.insert(k)
                        let state = states[k] ?? ProbeState(spec.kind)
                        states[k] = state
                        if state.isDue(spec: spec, startedAt: started, at: now) { due.append((k, spec, pod, sandbox.ip)) }
                    }
                }
            }
            states = states.filter { live.contains($0.key) }
            let outcomes = await withTaskGroup(of: (ProbeKey, Prober.Outcome).self) { group in
                for (k, spec, _, ip) in due {
                    group.addTask { (k, await prober.run(spec, podUID: k.podUID, container: k.container, podIP: ip)) }
                }
                var all: [ProbeKey: Prober.Outcome] = [:]
                for await (k, o) in group { all[k] = o }
                return all
            }
            var changedPods: [String] = []
            for (k, spec, pod, _) in due {
                guard let outcome = outcomes[k], var state = states[k] else { continue }
                let changed = state.record(success: outcome.success, spec: spec, at: seconds(clock.now))
                states[k] = state
                let fieldPath = "spec.containers{\(k.container)}"
                if !outcome.success {
                    await record(pod, reason: "Unhealthy", message: "\(spec.kind.title) probe failed: \(outcome.message)", fieldPath: fieldPath, type: "Warning")
                }
                if spec.kind != .readiness && state.result == .failure {
                    let verb = spec.kind == .startup ? "startup" : "liveness"
                    await record(pod, reason: "Killing", message: "Container \(k.container) failed \(verb) probe, will be restarted", fieldPath: fieldPath)
                    let grace = pod[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30
                    try? await runtime.stopContainer(podUID: k.podUID, container: k.container, gracePeriod: .seconds(grace))
                    states[k] = nil
                }
                if changed { changedPods.append(HostAgent.key(pod)) }
            }
            // What the status shows: per container run, ready and started as the probes say.
            var seen: Set<String> = []
            for (k, state) in states {
                seen.insert(k.podUID)
                var current = await probeResults.of(podUID: k.podUID)[k.container] ?? .init(attempt: k.attempt)
                if current.attempt != k.attempt { current = .init(attempt: k.attempt) }
                switch k.kind {
                case .readiness: current.ready = state.result == .success
                case .startup: current.started = state.result == .success
                case .liveness: break
                }
                await probeResults.set(podUID: k.podUID, container: k.container, current)
            }
            await probeResults.keep(seen)
            // Only now that the results hold the change may the pods' syncs read them.
            for key in changedPods { await queue.add(key) }
        }
        try? await http.shutdown()
    }
}
