import Foundation
import PlinthStorage
import Testing

/// The behaviour every `Storage` backend must have, in etcd's terms. Each backend's test file
/// runs these against a fresh store.
enum StorageConformance {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    static func revisionsAndConflicts(_ store: any Storage) async throws {
        let start = try await store.currentRevision()
        let a = try await store.create("/registry/cm/ns/a", value: bytes("a1"))
        #expect(a.modRevision == start + 1)
        #expect(a.createRevision == a.modRevision)
        await #expect(throws: StorageError.keyExists(key: "/registry/cm/ns/a")) {
            _ = try await store.create("/registry/cm/ns/a", value: bytes("again"))
        }
        let b = try await store.update("/registry/cm/ns/a", value: bytes("a2"), expectedRevision: a.modRevision)
        #expect(b.modRevision > a.modRevision)
        #expect(b.createRevision == a.createRevision)
        // A stale revision is a conflict carrying the current value.
        do {
            _ = try await store.update("/registry/cm/ns/a", value: bytes("a3"), expectedRevision: a.modRevision)
            Issue.record("stale update succeeded")
        } catch StorageError.conflict(_, let current) {
            #expect(current.value == bytes("a2"))
            #expect(current.modRevision == b.modRevision)
        }
        await #expect(throws: StorageError.notFound(key: "/registry/cm/ns/missing")) {
            _ = try await store.update("/registry/cm/ns/missing", value: bytes("x"), expectedRevision: 1)
        }
        let got = try await store.get("/registry/cm/ns/a")
        #expect(got?.value == bytes("a2"))
        #expect(got?.modRevision == b.modRevision)
        // Delete with a wrong revision conflicts; with the right one succeeds and returns the last value.
        await #expect(throws: (any Error).self) {
            _ = try await store.delete("/registry/cm/ns/a", expectedRevision: a.modRevision)
        }
        let d = try await store.delete("/registry/cm/ns/a", expectedRevision: b.modRevision)
        #expect(d.value == bytes("a2"))
        #expect(d.modRevision == b.modRevision + 1)
        #expect(try await store.get("/registry/cm/ns/a") == nil)
        await #expect(throws: StorageError.notFound(key: "/registry/cm/ns/a")) {
            _ = try await store.delete("/registry/cm/ns/a", expectedRevision: nil)
        }
        // Re-creating after a delete starts a new life (new create revision).
        let again = try await store.create("/registry/cm/ns/a", value: bytes("new"))
        #expect(again.createRevision == again.modRevision)
        #expect(again.createRevision > d.modRevision)
        #expect(try await store.currentRevision() == again.modRevision)
    }

    static func listAtRevisionAndPaging(_ store: any Storage) async throws {
        var revs: [Int64] = []
        for i in 0..<10 {
            revs.append(try await store.create("/registry/cm/ns/k\(i)", value: bytes("v\(i)")).modRevision)
        }
        _ = try await store.create("/registry/cm/other/x", value: bytes("x"))
        _ = try await store.create("/registry/secrets/ns/s", value: bytes("s"))
        let afterCreates = try await store.currentRevision()
        _ = try await store.update("/registry/cm/ns/k0", value: bytes("changed"), expectedRevision: revs[0])
        _ = try await store.delete("/registry/cm/ns/k1", expectedRevision: nil)

        let latest = try await store.list(prefix: "/registry/cm/ns/", startKey: nil, revision: 0, limit: 0)
        #expect(latest.items.map(\.key) == (0..<10).filter { $0 != 1 }.map { "/registry/cm/ns/k\($0)" })
        #expect(latest.items.first?.value == bytes("changed"))
        #expect(latest.revision == (try await store.currentRevision()))
        #expect(!latest.more)

        // The past, as it was.
        let past = try await store.list(prefix: "/registry/cm/ns/", startKey: nil, revision: afterCreates, limit: 0)
        #expect(past.items.count == 10)
        #expect(past.items.first?.value == bytes("v0"))
        #expect(past.revision == afterCreates)
        let early = try await store.list(prefix: "/registry/cm/ns/", startKey: nil, revision: revs[2], limit: 0)
        #expect(early.items.map(\.key) == ["/registry/cm/ns/k0", "/registry/cm/ns/k1", "/registry/cm/ns/k2"])

        // Paging: limit and continue from a start key, at a fixed revision.
        var keys: [String] = []
        var startKey: String? = nil
        var pages = 0
        repeat {
            let page = try await store.list(prefix: "/registry/cm/", startKey: startKey, revision: afterCreates, limit: 4)
            keys += page.items.map(\.key)
            pages += 1
            startKey = page.more ? page.items.last!.key + "\u{0}" : nil
        } while startKey != nil
        #expect(pages == 3)
        #expect(keys.count == 11)
        #expect(keys == keys.sorted())

        do {
            _ = try await store.list(prefix: "/registry/cm/", startKey: nil, revision: afterCreates + 1000, limit: 0)
            Issue.record("future revision listed")
        } catch StorageError.futureRevision {}
    }

    static func watchFromRevision(_ store: any Storage) async throws {
        let base = try await store.currentRevision()
        let c1 = try await store.create("/registry/pods/ns/p1", value: bytes("1"))
        _ = try await store.create("/registry/other/x", value: bytes("x"))
        let u1 = try await store.update("/registry/pods/ns/p1", value: bytes("2"), expectedRevision: c1.modRevision)
        // History then live events, in order, only under the prefix, nothing twice.
        let stream = store.watch(prefix: "/registry/pods/", afterRevision: base)
        let d1 = try await store.delete("/registry/pods/ns/p1", expectedRevision: nil)
        let c2 = try await store.create("/registry/pods/ns/p2", value: bytes("3"))
        var seen: [StoreEvent] = []
        for try await batch in stream {
            seen += batch.events
            if seen.count >= 4 { break }
        }
        #expect(seen.map(\.revision) == [c1.modRevision, u1.modRevision, d1.modRevision, c2.modRevision])
        #expect(seen.map(\.kind) == [.put, .put, .delete, .put])
        #expect(seen[0].isCreate && !seen[1].isCreate)
        #expect(seen[2].value == bytes("2"))  // a delete carries the last value

        // From a later revision: only what came after it.
        let later = store.watch(prefix: "/registry/pods/", afterRevision: d1.modRevision)
        for try await batch in later where !batch.events.isEmpty {
            #expect(batch.events.map(\.revision) == [c2.modRevision])
            break
        }

        // Progress notifications carry the current revision even with no events.
        let quiet = store.watch(prefix: "/registry/nothing-here/", afterRevision: try await store.currentRevision())
        _ = try await store.create("/registry/unrelated/y", value: bytes("y"))
        let now = try await store.currentRevision()
        store.requestProgress()
        for try await batch in quiet where batch.revision >= now {
            #expect(batch.events.isEmpty)
            break
        }
    }

    static func compaction(_ store: any Storage) async throws {
        let a = try await store.create("/registry/cm/ns/a", value: bytes("1"))
        let b = try await store.update("/registry/cm/ns/a", value: bytes("2"), expectedRevision: a.modRevision)
        _ = try await store.create("/registry/cm/ns/gone", value: bytes("g"))
        let g = try await store.delete("/registry/cm/ns/gone", expectedRevision: nil)
        let c = try await store.update("/registry/cm/ns/a", value: bytes("3"), expectedRevision: b.modRevision)
        try await store.compact(revision: g.modRevision)
        #expect(try await store.compactedRevision() == g.modRevision)

        // Older revisions are gone for lists and watches; the compacted one itself still reads.
        do {
            _ = try await store.list(prefix: "/registry/cm/", startKey: nil, revision: a.modRevision, limit: 0)
            Issue.record("list at compacted revision succeeded")
        } catch StorageError.compacted {}
        let atCompact = try await store.list(prefix: "/registry/cm/", startKey: nil, revision: g.modRevision, limit: 0)
        #expect(atCompact.items.map(\.value) == [bytes("2")])
        var failed = false
        do {
            for try await _ in store.watch(prefix: "/registry/cm/", afterRevision: a.modRevision) { break }
        } catch StorageError.compacted {
            failed = true
        }
        #expect(failed)
        // Watching from the compacted revision on still works.
        for try await batch in store.watch(prefix: "/registry/cm/", afterRevision: g.modRevision) where !batch.events.isEmpty {
            #expect(batch.events.map(\.revision) == [c.modRevision])
            break
        }
        let latest = try await store.list(prefix: "/registry/cm/", startKey: nil, revision: 0, limit: 0)
        #expect(latest.items.map(\.value) == [bytes("3")])
    }

    static func concurrentWritesAreAllDurableAndOrdered(_ store: any Storage) async throws {
        let n = 500
        let results = try await withThrowingTaskGroup(of: StoredValue.self) { group in
            for i in 0..<n {
                group.addTask { try await store.create("/registry/cm/load/k\(i)", value: bytes("v\(i)")) }
            }
            var out: [StoredValue] = []
            for try await r in group { out.append(r) }
            return out
        }
        #expect(Set(results.map(\.modRevision)).count == n)  // every write got its own revision
        let list = try await store.list(prefix: "/registry/cm/load/", startKey: nil, revision: 0, limit: 0)
        #expect(list.items.count == n)
    }

    /// Writes that require a started update happen only if it succeeded, and after it.
    static func requiringStartedWrites(_ store: any Storage) async throws {
        let quota = try await store.create("/registry/q/ns/quota", value: bytes("used=0"))

        // The charge succeeds: the requiring create is written, with a later revision.
        let charge = store.startUpdate(quota.key, value: bytes("used=1"), expectedRevision: quota.modRevision)
        let object = try await store.create("/registry/cm/ns/a", value: bytes("a"), requiring: [charge])
        let charged = try await charge.result()
        #expect(charge.applied == true)
        #expect(object.modRevision > charged.modRevision)

        // The charge loses a race (stale revision): it fails with the conflict, and the create
        // and update that require it fail without writing anything.
        let stale = store.startUpdate(quota.key, value: bytes("used=2"), expectedRevision: quota.modRevision)
        await #expect(throws: StorageError.requirementFailed(key: "/registry/cm/ns/b")) {
            try await store.create("/registry/cm/ns/b", value: bytes("b"), requiring: [stale])
        }
        await #expect(throws: StorageError.requirementFailed(key: "/registry/cm/ns/a")) {
            try await store.update("/registry/cm/ns/a", value: bytes("a2"), expectedRevision: object.modRevision, requiring: [charge, stale])
        }
        do {
            _ = try await stale.result()
            Issue.record("a stale started update succeeded")
        } catch StorageError.conflict(_, let current) {
            #expect(current.value == bytes("used=1"))
        }
        #expect(stale.applied == false)
        #expect(try await store.get("/registry/cm/ns/b") == nil)
        #expect(try await store.get("/registry/cm/ns/a")?.value == bytes("a"))
        #expect(try await store.get(quota.key)?.value == bytes("used=1"))

        // Many writers requiring one charge, queued at once: all land.
        let next = store.startUpdate(quota.key, value: bytes("used=11"), expectedRevision: charged.modRevision)
        let written = try await withThrowingTaskGroup(of: StoredValue.self) { group in
            for i in 0..<10 {
                group.addTask { try await store.create("/registry/cm/ns/many-\(i)", value: bytes("m"), requiring: [next]) }
            }
            var out: [StoredValue] = []
            for try await r in group { out.append(r) }
            return out
        }
        let nextCharge = try await next.result()
        #expect(written.count == 10 && written.allSatisfy { $0.modRevision > nextCharge.modRevision })

        // A write chained on an ordered (not yet durable) one by the revision it produced lands;
        // a refused one orders as nil.
        let first = store.startUpdate(quota.key, value: bytes("used=12"), expectedRevision: nextCharge.modRevision)
        guard let firstOrdered = await first.ordered() else { Issue.record("an up-to-date started update was refused"); return }
        let second = store.startUpdate(quota.key, value: bytes("used=13"), expectedRevision: firstOrdered.modRevision)
        #expect(try await second.result().modRevision > firstOrdered.modRevision)
        #expect(try await first.result() == firstOrdered)
        let refused = store.startUpdate(quota.key, value: bytes("used=14"), expectedRevision: firstOrdered.modRevision)
        #expect(await refused.ordered() == nil)
        #expect(try await store.get(quota.key)?.value == bytes("used=13"))
    }
}
