import Foundation
import Synchronization

/// Prometheus metrics of the API server: requests by verb/resource/code, latency histograms,
/// watch count, store revision and size.
public final class APIMetrics: Sendable {
    struct Key: Hashable { var verb: String; var resource: String; var subresource: String; var code: Int }
    struct LatencyKey: Hashable { var verb: String; var resource: String }
    struct Histogram {
        var buckets = [Int](repeating: 0, count: APIMetrics.bounds.count)
        var count = 0
        var sum = 0.0
    }
    struct State {
        var requests: [Key: Int] = [:]
        var latency: [LatencyKey: Histogram] = [:]
        var watches = 0
    }

    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
    private let state = Mutex(State())

    public init() {}

    func record(verb: String, resource: String, subresource: String, code: Int, duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let upper = verb.uppercased()
        state.withLock { s in
            s.requests[Key(verb: upper, resource: resource, subresource: subresource, code: code), default: 0] += 1
            if verb != "watch" && verb != "WATCH" {
                var h = s.latency[LatencyKey(verb: upper, resource: resource)] ?? Histogram()
                for (i, b) in Self.bounds.enumerated() where seconds <= b { h.buckets[i] += 1 }
                h.count += 1
                h.sum += seconds
                s.latency[LatencyKey(verb: upper, resource: resource)] = h
            }
        }
    }

    func watchStarted() { state.withLock { $0.watches += 1 } }
    func watchEnded() { state.withLock { $0.watches -= 1 } }

    func render(registry: ObjectRegistry) async -> String {
        let s = state.withLock { $0 }
        var out = "# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, resource and HTTP response code.\n# TYPE apiserver_request_total counter\n"
        for (k, v) in s.requests.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out += "apiserver_request_total{code=\"\(k.code)\",resource=\"\(k.resource)\",subresource=\"\(k.subresource)\",verb=\"\(k.verb)\"} \(v)\n"
        }
        out += "# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each verb and resource.\n# TYPE apiserver_request_duration_seconds histogram\n"
        for (k, h) in s.latency.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            let labels = "resource=\"\(k.resource)\",verb=\"\(k.verb)\""
            for (i, b) in Self.bounds.enumerated() {
                out += "apiserver_request_duration_seconds_bucket{\(labels),le=\"\(b)\"} \(h.buckets[i])\n"
            }
            out += "apiserver_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(h.count)\n"
            out += "apiserver_request_duration_seconds_sum{\(labels)} \(h.sum)\n"
            out += "apiserver_request_duration_seconds_count{\(labels)} \(h.count)\n"
        }
        out += "# HELP apiserver_longrunning_requests Gauge of all active long-running apiserver requests.\n# TYPE apiserver_longrunning_requests gauge\n"
        out += "apiserver_longrunning_requests{verb=\"WATCH\"} \(s.watches)\n"
        let rev = (try? await registry.storage.currentRevision()) ?? 0
        let size = await registry.storage.sizeInBytes()
        out += "# HELP plinth_storage_revision The store's current revision.\n# TYPE plinth_storage_revision gauge\nplinth_storage_revision \(rev)\n"
        out += "# HELP apiserver_storage_size_bytes Size of the storage database file.\n# TYPE apiserver_storage_size_bytes gauge\napiserver_storage_size_bytes{storage_cluster_id=\"plinth\"} \(size)\n"
        out += "# HELP apiserver_storage_objects Number of stored objects at the time of last check split by kind.\n# TYPE apiserver_storage_objects gauge\n"
        for c in registry.allCaches.sorted(by: { $0.resource.qualifiedResource < $1.resource.qualifiedResource }) {
            out += "apiserver_storage_objects{resource=\"\(c.resource.qualifiedResource)\"} \(c.count)\n"
        }
        return out
    }
}
