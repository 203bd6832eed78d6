import PlinthAPIMachinery
import PlinthJSON
import PlinthStorage

/// Charges admission requests against ResourceQuotas, one namespace batch at a time. The first
/// request for a namespace drains the queue (its own request and whatever arrives meanwhile) as
/// a group-commit leader: read the quotas, decide every request in order against the running
/// totals, start one write per changed quota with a resourceVersion precondition, and answer
/// everyone at once with the charges their object writes must require. The store applies a
/// requiring write only after, and only if, its charges succeed, so an object and its charge
/// usually share a commit; a charge that loses a race takes its objects' writes with it, and
/// those requests are decided again. The leader learns each charge's outcome before deciding the
/// next batch against it.
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

    /// Refused, or admitted under the charges the object's write must require.
    typealias Verdict = Result<[PendingWrite], APIError>

    let registry: ObjectRegistry
    private var queued: [String: [(Request, CheckedContinuation<Verdict, Never>)]] = [:]
    private var draining: Set<String> = []

    init(registry: ObjectRegistry) { self.registry = registry }

    /// Admits or refuses `request`; on admission returns the quota writes its write must require.
    func charge(_ request: Request) async throws(APIError) -> [PendingWrite] {
        let ns = request.namespace
        if draining.contains(ns) {
            let verdict = await withCheckedContinuation { queued[ns, default: []].append((request, $0)) }
            return try verdict.get()
        }
        draining.insert(ns)
        var mine: Verdict = .success([])
        var batch: [(Request, CheckedContinuation<Verdict, Never>?)] = [(request, nil)]
        while !batch.isEmpty {
            let (verdicts, started) = decide(batch.map(\.0), namespace: ns)
            for (i, (_, waiter)) in batch.enumerated() {
                if let waiter { waiter.resume(returning: verdicts[i]) } else { mine = verdicts[i] }
            }
            for (swap, quota) in started { await settle(swap, quota) }
            batch = (queued.removeValue(forKey: ns) ?? []).map { ($0.0, Optional($0.1)) }
        }
        draining.remove(ns)
        return try mine.get()
    }

    /// The newest version of each quota this accountant has written or been told of by a
    /// conflict, by key: fresher than the watch cache right after our own writes.
    private var known: [String: CachedObject] = [:]

    /// Each quota's parsed form at the revision it was read, by key: batches after the first
    /// decide without parsing quantities again.
    private var parsed: [String: (revision: Int64, quota: QuotaUsage.Quota)] = [:]

    private func quota(_ cached: CachedObject) -> QuotaUsage.Quota {
        if let p = parsed[cached.key], p.revision == cached.revision { return p.quota }
        let q = QuotaUsage.Quota(cached.object)
        parsed[cached.key] = (cached.revision, q)
        return q
    }

    /// Decides a batch in order against running totals and starts the write of each quota it
    /// charged. Returns each request's verdict and the started writes with the quotas they write.
    func decide(_ requests: [Request], namespace: String) -> ([Verdict], [(ObjectRegistry.StartedSwap, QuotaUsage.Quota)]) {
        guard let rq = registry.catalog.lookup(group: "", version: "v1", plural: "resourcequotas"),
              let cache = try? registry.cache(rq) else { return (requests.map { _ in .success([]) }, []) }
        let read = cache.objects(namespace: namespace).map { cached in
            if let mine = known[cached.key], mine.revision > cached.revision { return mine }
            return cached
        }
        var quotas = read.map(quota)
        // Per request: the quotas it charged, or its refusal.
        var charged: [Result<Set<Int>, APIError>] = []
        var dirty = Set<Int>()
        for request in requests {
            switch QuotaUsage.evaluate(object: request.object, old: request.old, quotas: quotas, request.resource, subresource: request.subresource) {
            case .denied(let text):
                charged.append(.failure(QuotaUsage.forbidden(request.resource, name: request.name, text)))
            case .allowed(let charges):
                guard !request.dryRun else { charged.append(.success([])); continue }
                for c in charges { quotas[c.index].used = c.used }
                let indexes = Set(charges.map(\.index))
                dirty.formUnion(indexes)
                charged.append(.success(indexes))
            }
        }
        var started: [Int: ObjectRegistry.StartedSwap] = [:]
        for i in dirty.sorted() {
            var next = read[i].object
            next[path: ["status", "used"]] = QuotaUsage.json(quotas[i].used)
            started[i] = registry.startCompareAndSwap(rq, base: read[i], next: next)
        }
        let verdicts: [Verdict] = charged.map { $0.map { indexes in indexes.sorted().compactMap { started[$0]?.pending } } }
        return (verdicts, started.keys.sorted().map { (started[$0]!, quotas[$0]) })
    }

    /// Waits for a started quota write and remembers the quota as it now stands. A write that
    /// lost a race needs nothing more here: the writes requiring it fail and are decided again.
    private func settle(_ swap: ObjectRegistry.StartedSwap, _ quota: QuotaUsage.Quota) async {
        do {
            let written = try await swap.result()
            known[written.key] = written
            parsed[written.key] = (written.revision, quota)
        } catch {
            // Charges this batch wrote to other quotas stay (their objects fail with this one);
            // the quota controller's recount gives back that rare over-charge.
            if case .stale(let current) = error { known[current.key] = current }
        }
    }
}
