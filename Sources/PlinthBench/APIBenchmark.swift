import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL
import PlinthClient
import PlinthJSON
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `plinth bench api`: loads an API server through its kubeconfig, as a separate process, over HTTPS.
///
/// Phases: ConfigMap creates, GETs of random created ConfigMaps, full LISTs (and one LIST paged the way
/// kubectl pages), then the server's RSS from /proc. Each phase spreads its requests over `connections`
/// concurrent workers, each of which sends its requests one after the other on a keep-alive HTTP/1.1
/// connection of a pool sized to `connections`.
public struct APIBenchmark: Sendable {
    let kubeconfigPath: String
    let connections: Int
    let creates: Int
    let gets: Int
    let serverPID: Int?
    let namespace: String
    /// What to create and read: ConfigMaps, or custom resources of a CRD the benchmark installs.
    let kind: Kind

    public enum Kind: String, Sendable, CaseIterable {
        case configmap
        case custom
    }

    public init(kubeconfigPath: String, connections: Int, creates: Int, gets: Int, serverPID: Int?, namespace: String, kind: Kind = .configmap) {
        self.kind = kind
        self.kubeconfigPath = kubeconfigPath
        self.connections = max(1, connections)
        self.creates = max(0, creates)
        self.gets = max(0, gets)
        self.serverPID = serverPID
        self.namespace = namespace
    }

    public func run() async throws {
        let kc = try ClientConfig.load(path: kubeconfigPath)

        var config = HTTPClient.Configuration(
            tlsConfiguration: kc.tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(300)),
            connectionPool: .init(idleTimeout: .seconds(600), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        )
        config.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        do {
            try await run(client: client, kc: kc)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    // MARK: - Phases

    private func run(client: HTTPClient, kc: ClientConfig) async throws {
        let server = kc.server
        var getHeaders = HTTPHeaders()
        getHeaders.add(name: "User-Agent", value: "plinth-bench")
        getHeaders.add(name: "Accept", value: "application/json")
        if let auth = kc.authorization { getHeaders.add(name: "Authorization", value: auth) }
        var postHeaders = getHeaders
        postHeaders.add(name: "Content-Type", value: "application/json")

        func request(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) -> HTTPClientRequest {
            var r = HTTPClientRequest(url: server + path)
            r.method = method
            r.headers = body == nil ? getHeaders : postHeaders
            if let body { r.body = .bytes(ByteBuffer(bytes: body)) }
            return r
        }

        let ns = namespace
        let nsPath = "/api/v1/namespaces/\(ns)"
        let cmPath = kind == .custom ? "/apis/bench.plinth.dev/v1/namespaces/\(ns)/benchwidgets" : nsPath + "/configmaps"

        say("plinth bench api: server \(server), \(connections) connections, namespace \(ns), \(kind == .custom ? "custom resources (benchwidgets.bench.plinth.dev)" : "ConfigMaps")")
        if kind == .custom { try await installDefinition(client: client, request: request) }

        // 1. The namespace (409: already there; 403 for a user who may not create namespaces but
        // was given this one).
        let nsBody: JSON = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(ns)]]
        var (nsStatus, nsResp) = try await send(client, request(.POST, "/api/v1/namespaces", body: nsBody.serialized()))
        if nsStatus == 403 { (nsStatus, nsResp) = try await send(client, request(.GET, nsPath)) }
        guard (200..<300).contains(nsStatus) || nsStatus == 409 else {
            throw BenchError("creating namespace \(ns): HTTP \(nsStatus): \(text(nsResp))")
        }

        // ConfigMaps of an earlier run: delete them all (deletecollection) so the names are free again
        // and the LIST counts only this run's objects.
        let (probeStatus, probeResp) = try await send(client, request(.GET, cmPath + "?limit=1"))
        guard (200..<300).contains(probeStatus) else {
            throw BenchError("listing configmaps: HTTP \(probeStatus): \(text(probeResp))")
        }
        let probe = try JSON.parse(probeResp.readableBytesView)
        if let items = probe["items"]?.arrayValue, !items.isEmpty {
            let t0 = ContinuousClock.now
            let (st, resp) = try await send(client, request(.DELETE, cmPath))
            guard (200..<300).contains(st) else {
                throw BenchError("deleting earlier configmaps: HTTP \(st): \(text(resp))")
            }
            say("cleanup   deleted the earlier run's ConfigMaps in \(fmt(seconds(ContinuousClock.now - t0), 2)) s")
        }

        // Warm up: open the pool's connections (TLS handshakes) outside the timed phases.
        let warm = request(.GET, nsPath)
        _ = try await runPhase(client: client, count: connections) { _, _ in warm }

        // 2. Creates. Requests (and their bodies) are built before the clock starts.
        var created: [Int32] = []
        if creates > 0 {
            let createRequests: [HTTPClientRequest] = (0..<creates).map { i in
                let cm: JSON = kind == .custom ? [
                    "apiVersion": "bench.plinth.dev/v1", "kind": "BenchWidget",
                    "metadata": ["name": .string("bench-\(i)")],
                    "spec": ["key": .string("value-\(i)")],
                ] : [
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": ["name": .string("bench-\(i)")],
                    "data": ["key": .string("value-\(i)")],
                ]
                return request(.POST, cmPath, body: cm.serialized())
            }
            let res = try await runPhase(client: client, count: creates, recordSuccesses: true) { i, _ in createRequests[i] }
            report("creates", res)
            created = res.successes
        }

        // 3. GETs of random created ConfigMaps.
        if gets > 0 {
            if created.isEmpty {
                say("gets      skipped: no ConfigMaps were created")
            } else {
                // One prepared request per created ConfigMap; workers pick among them at random.
                let getRequests: [HTTPClientRequest] = created.map { k in request(.GET, cmPath + "/bench-\(k)") }
                let res = try await runPhase(client: client, count: gets) { _, rng in
                    getRequests[Int(rng.next() % UInt64(getRequests.count))]
                }
                report("gets", res)
            }
        }

        // 4. Full LISTs (no limit), 5 times.
        let listRequest = request(.GET, cmPath)
        var listTimes: [Duration] = []
        var listCount = -1
        for _ in 0..<5 {
            let t0 = ContinuousClock.now
            let (st, body) = try await send(client, listRequest)
            listTimes.append(ContinuousClock.now - t0)
            guard (200..<300).contains(st) else { throw BenchError("LIST: HTTP \(st): \(text(body))") }
            let doc = try JSON.parse(body.readableBytesView)
            guard let items = doc["items"]?.arrayValue else { throw BenchError("LIST: no items array in the response") }
            if listCount >= 0 && items.count != listCount {
                say("warning   LIST item counts differ between runs: \(listCount) vs \(items.count)")
            }
            listCount = items.count
        }
        listTimes.sort()

        // 5. One LIST paged as kubectl pages (limit=500, following metadata.continue).
        var pagedCount = 0
        var pages = 0
        let pagedStart = ContinuousClock.now
        var cont: String? = nil
        repeat {
            var path = cmPath + "?limit=500"
            if let c = cont { path += "&continue=" + percentEncode(c) }
            let (st, body) = try await send(client, request(.GET, path))
            guard (200..<300).contains(st) else { throw BenchError("paged LIST: HTTP \(st): \(text(body))") }
            let doc = try JSON.parse(body.readableBytesView)
            pagedCount += doc["items"]?.arrayValue?.count ?? 0
            pages += 1
            cont = doc["metadata"]?["continue"]?.stringValue
            if cont?.isEmpty == true { cont = nil }
        } while cont != nil && pages < 1_000_000
        let pagedTime = ContinuousClock.now - pagedStart

        var listLine = "list      \(listCount) items: median \(fmt(ms(listTimes[listTimes.count / 2]), 0)) ms"
        listLine += " (min \(fmt(ms(listTimes[0]), 0)) ms) over \(listTimes.count);"
        listLine += " paged (limit=500): \(fmt(ms(pagedTime), 0)) ms, \(pages) pages"
        say(listLine)
        if listCount != created.count {
            say("MISMATCH  LIST returned \(listCount) items; \(created.count) ConfigMaps were created")
        }
        if pagedCount != listCount {
            say("MISMATCH  paged LIST returned \(pagedCount) items; the full LIST \(listCount)")
        }

        // 6. The server's memory.
        if let pid = serverPID {
            if let status = readFile("/proc/\(pid)/status") {
                let rss = procStatusKB(status, "VmRSS")
                let hwm = procStatusKB(status, "VmHWM")
                let mb: (Int?) -> String = { kb in kb.map { fmt(Double($0) / 1024, 0) } ?? "?" }
                say("server    RSS \(mb(rss)) MB (peak \(mb(hwm)) MB)")
            } else {
                say("server    cannot read /proc/\(pid)/status")
            }
        }
    }

    /// Creates the benchmark's CustomResourceDefinition (409: already there) and waits until its
    /// resource is served.
    private func installDefinition(client: HTTPClient, request: (HTTPMethod, String, [UInt8]?) -> HTTPClientRequest) async throws {
        let crd: JSON = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "benchwidgets.bench.plinth.dev"],
            "spec": [
                "group": "bench.plinth.dev", "scope": "Namespaced",
                "names": ["plural": "benchwidgets", "singular": "benchwidget", "kind": "BenchWidget"],
                "versions": [[
                    "name": "v1", "served": true, "storage": true,
                    "schema": ["openAPIV3Schema": ["type": "object", "properties": [
                        "spec": ["type": "object", "properties": [
                            "key": ["type": "string", "maxLength": 64],
                            "replicas": ["type": "integer", "minimum": 0, "default": 1],
                        ]],
                    ]]],
                ]],
            ],
        ]
        let (st, resp) = try await send(client, request(.POST, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd.serialized()))
        guard (200..<300).contains(st) || st == 409 else { throw BenchError("creating the CRD: HTTP \(st): \(text(resp))") }
        for _ in 0..<500 {
            let (st, _) = try await send(client, request(.GET, "/apis/bench.plinth.dev/v1/benchwidgets?limit=1", nil))
            if st == 200 { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchError("the CRD's resource was not served within 5 s")
    }

    // MARK: - Load generation

    struct PhaseResult: Sendable {
        var wall: Duration = .zero
        var latencies: [Duration] = []
        var errors = 0
        var firstError: String?
        var successes: [Int32] = []
        /// CPU time (user + system) the server process spent during the phase, when its PID is known.
        var serverCPU: Duration?
    }

    struct WorkerResult: Sendable {
        var latencies: [Duration] = []
        var errors = 0
        var firstError: String?
        var successes: [Int32] = []
    }

    /// Sends `count` requests, request `i` made by `makeRequest(i, rng)`, over `connections` workers,
    /// each of which waits for a response (body drained) before sending its next request.
    private func runPhase(
        client: HTTPClient, count: Int, recordSuccesses: Bool = false,
        _ makeRequest: @escaping @Sendable (Int, inout SplitMix64) -> HTTPClientRequest
    ) async throws -> PhaseResult {
        let workers = min(connections, max(count, 1))
        let cpuBefore = serverPID.flatMap(processCPUTime)
        let start = ContinuousClock.now
        var result = PhaseResult()
        try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for w in 0..<workers {
                group.addTask {
                    var rng = SplitMix64(seed: UInt64(w &+ 1) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(UInt(bitPattern: count)))
                    var out = WorkerResult()
                    out.latencies.reserveCapacity(count / workers + 1)
                    if recordSuccesses { out.successes.reserveCapacity(count / workers + 1) }
                    let clock = ContinuousClock()
                    var i = w
                    while i < count {
                        let req = makeRequest(i, &rng)
                        let t0 = clock.now
                        do {
                            let resp = try await client.execute(req, timeout: .seconds(60))
                            let code = resp.status.code
                            if code >= 200 && code < 300 {
                                for try await _ in resp.body {}
                                out.latencies.append(clock.now - t0)
                                if recordSuccesses { out.successes.append(Int32(i)) }
                            } else {
                                let body = try await resp.body.collect(upTo: 1 << 20)
                                out.latencies.append(clock.now - t0)
                                out.errors += 1
                                if out.firstError == nil { out.firstError = "HTTP \(code): \(text(body))" }
                            }
                        } catch {
                            out.latencies.append(clock.now - t0)
                            out.errors += 1
                            if out.firstError == nil { out.firstError = "\(error)" }
                        }
                        i += workers
                    }
                    return out
                }
            }
            for try await w in group {
                result.latencies += w.latencies
                result.errors += w.errors
                if result.firstError == nil { result.firstError = w.firstError }
                result.successes += w.successes
            }
        }
        result.wall = ContinuousClock.now - start
        if let cpuBefore, let cpuAfter = serverPID.flatMap(processCPUTime) { result.serverCPU = cpuAfter - cpuBefore }
        result.latencies.sort()
        return result
    }

    private func report(_ name: String, _ r: PhaseResult) {
        let n = r.latencies.count
        let secs = seconds(r.wall)
        var line = pad(name, 10) + pad(String(n), 6) + " in " + fmt(secs, 2) + " s = "
        line += fmt(secs > 0 ? Double(n) / secs : 0, 0) + " /s"
        line += "   p50 " + fmt(ms(percentile(r.latencies, 0.50)), 1) + " ms"
        line += "  p99 " + fmt(ms(percentile(r.latencies, 0.99)), 1) + " ms"
        line += "  max " + fmt(ms(r.latencies.last ?? .zero), 1) + " ms"
        line += "  errors \(r.errors)"
        if let cpu = r.serverCPU, n > 0 { line += "  server cpu " + fmt(seconds(cpu) * 1e6 / Double(n), 0) + " us/req" }
        say(line)
        if let e = r.firstError { say("          first error: \(e)") }
    }

    /// One request, its whole body collected.
    private func send(_ client: HTTPClient, _ req: HTTPClientRequest) async throws -> (UInt, ByteBuffer) {
        let resp = try await client.execute(req, timeout: .seconds(600))
        let body = try await resp.body.collect(upTo: 1 << 31)
        return (resp.status.code, body)
    }
}
