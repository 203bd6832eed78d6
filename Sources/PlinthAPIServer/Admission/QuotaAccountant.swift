import PlinthAPIMachinery
import PlinthJSON

/// Charges admission requests against ResourceQuotas, one namespace batch at a time. The first
/// request for a namespace drains the queue (its own request and whatever arrives meanwhile) as
/// a group-commit leader: read the quotas, decide every request in order against the running
/// totals, write each changed quota once with a resourceVersion precondition, then answer
/// everyone; a conflicting write re-reads and decides the batch again.
public actor QuotaAccountant {
    public struct Request: Sendable {
        var resource: ResourceType
        var subresource: String?
        var namespace: String
        var name: String
        var object: JSON
        var old: JSON?
        var dryRun: Bool
    }

    let registry: ObjectRegistry
    private var queued: [String: [(Request, CheckedContinuation<APIError?, Never>)]] = [:]
    private var draining: Set<String> = []

    init(registry: ObjectRegistry) { self.registry = registry }

    func charge(_ request: Request) async throws(APIError) {
        let ns = request.namespace
        if draining.contains(ns) {
            let error = await withCheckedContinuation { queued[ns, default: []].append((request, $0)) }
            if let error { throw error }
            return
        }
        draining.insert(ns)
        var mine: APIError?? = .none
        var batch: [(Request, CheckedContinuation<APIError?, Never>?)] = [(request, nil)]
        while !batch.isEmpty {
            let results = await decide(batch.map(\.0), namespace: ns)
            for (i, (_, waiter)) in batch.enumerated() {
                if let waiter { waiter.resume(returning: results[i]) } else { mine = .some(results[i]) }
            }
            batch = (queued.removeValue(forKey: ns) ?? []).map { ($0.0, Optional($0.1)) }
        }
        draining.remove(ns)
        if case .some(.some(let error)) = mine { throw error }
    }

    /// The newest version of each quota this accountant has written or been told of by a
    /// conflict, by key: fresher than the watch cache right after our own writes.
    private var known: [String: CachedObject] = [:]

    /// Decides a batch: nil = admitted (and charged), else the refusal.
    func decide(_ requests: [Request], namespace: String) async -> [APIError?] {
        guard let rq = registry.catalog.lookup(group: "", version: "v1", plural: "resourcequotas"),
              let cache = try? registry.cache(rq) else { return requests.map { _ in nil } }
        for _ in 0..<8 {
            let read = cache.objects(namespace: namespace).map { cached in
                if let mine = known[cached.key], mine.revision > cached.revision { return mine }
                return cached
            }
            var quotas = read.map(\.object)
            var dirty = Set<Int>()
            var results: [APIError?] = []
            for request in requests {
                switch QuotaUsage.evaluate(object: request.object, old: request.old, quotas: quotas, request.resource, subresource: request.subresource) {
                case .denied(let text):
                    results.append(QuotaUsage.forbidden(request.resource, name: request.name, text))
                case .allowed(let charges):
                    results.append(nil)
                    guard !request.dryRun else { continue }
                    for c in charges {
                        quotas[c.index][path: ["status", "used"]] = QuotaUsage.json(c.used)
                        dirty.insert(c.index)
                    }
                }
            }
            var conflicted = false
            for i in dirty.sorted() {
                do {
                    known[read[i].key] = try await registry.compareAndSwap(rq, base: read[i], next: quotas[i])
                } catch {
                    switch error {
                    case .stale(let current):
                        // Charges already written to other quotas of this batch stay; the quota
                        // controller's recount corrects that rare double charge.
                        known[current.key] = current
                        conflicted = true
                    case .failed(let e):
                        if e.code == 404 { conflicted = true } else { return requests.map { _ in e } }
                    }
                }
                if conflicted { break }
            }
            if !conflicted { return results }
        }
        return requests.map { _ in
            APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on resourcequotas: the quota status kept changing; please retry")
        }
    }
}
