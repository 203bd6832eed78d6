import PlinthAPIMachinery
import PlinthJSON
import PlinthStorage

/// Charges admission requests against ResourceQuotas, one namespace batch at a time. One request
/// per namespace at a time leads a batch (its own request and whatever queued meanwhile): read
/// the quotas, decide every request in order against the running totals, start one write per
/// changed quota with a resourceVersion precondition, and answer everyone at once with the
/// charges their object writes must require. The store applies a requiring write only after,
/// and only if, its charges succeed, so an object and its charge usually share a commit; a
/// charge that loses a race takes its objects' writes with it, and those requests are decided
/// again. The leader waits until the store has ordered its charges (not until they are durable)
/// so the next batch is decided against them, then hands the lead to the first request that
/// queued meanwhile.
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

    /// What a queued request is woken with: its verdict, or the lead of the next batch.
    enum Turn {
        case decided(Verdict)
        case lead
    }

    let registry: ObjectRegistry
    private var queued: [String: [(Request, CheckedContinuation<Turn, Never>)]] = [:]
    private var leading: Set<String> = []

    init(registry: ObjectRegistry) { self.registry = registry }

    /// Admits or refuses `request`; on admission returns the quota writes its write must require.
    func charge(_ request: Request) async throws(APIError) -> [PendingWrite] {
        let ns = request.namespace
        if leading.contains(ns) {
            let turn = await withCheckedContinuation { queued[ns, default: []].append((request, $0)) }
            if case .decided(let verdict) = turn { return try verdict.get() }
        } else {
            leading.insert(ns)
        }
        let waiting = queued.removeValue(forKey: ns) ?? []
        let (verdicts, started) = decide([request] + waiting.map(\.0), namespace: ns)
        for (i, (_, waiter)) in waiting.enumerated() { waiter.resume(returning: .decided(verdicts[i + 1])) }
        for (swap, quota) in started { await settle(swap, quota) }
        if var next = queued[ns], !next.isEmpty {
            let (_, first) = next.removeFirst()
            queued[ns] = next.isEmpty ? nil : next
            first.resume(returning: .lead)
        } else {
            leading.remove(ns)
        }
        return try verdicts[0].get()
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
            if let mine = known[cached.key], mine.revision >= cached.revision { return mine }
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

    /// Waits until the store has ordered a started quota write and remembers the quota as it
    /// then stands, so the next batch's write expects the revision this one produces. A write
    /// that lost a race needs nothing more here: the writes requiring it fail and are decided
    /// again, against the current quota its conflict reports.
    private func settle(_ swap: ObjectRegistry.StartedSwap, _ quota: QuotaUsage.Quota) async {
        if let written = await swap.ordered() {
            known[written.key] = written
            parsed[written.key] = (written.revision, quota)
            return
        }
        // Charges this batch wrote to other quotas stay (their objects fail with this one); the
        // quota controller's recount gives back that rare over-charge.
        do { _ = try await swap.result() } catch {
            if case .stale(let current) = error { known[current.key] = current }
        }
    }
}
