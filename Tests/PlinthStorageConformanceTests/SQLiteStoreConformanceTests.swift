import Foundation
import PlinthStorage
import PlinthStorageSQLite
import Testing

@Suite("SQLite store conformance")
struct SQLiteStoreConformanceTests {
    func withStore(_ body: (SQLiteStore) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await body(try SQLiteStore(path: dir.path + "/test.db"))
    }

    @Test func revisionsAndConflicts() async throws { try await withStore(StorageConformance.revisionsAndConflicts) }
    @Test func listAtRevisionAndPaging() async throws { try await withStore(StorageConformance.listAtRevisionAndPaging) }
    @Test func watchFromRevision() async throws { try await withStore(StorageConformance.watchFromRevision) }
    @Test func compaction() async throws { try await withStore(StorageConformance.compaction) }
    @Test func concurrentWrites() async throws { try await withStore(StorageConformance.concurrentWritesAreAllDurableAndOrdered) }
    @Test func requiringStartedWrites() async throws { try await withStore(StorageConformance.requiringStartedWrites) }

    @Test func reopeningKeepsDataAndRevision() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/test.db"
        var rev: Int64 = 0
        do {
            let store = try SQLiteStore(path: path)
            _ = try await store.create("/k/a", value: Array("1".utf8))
            rev = try await store.create("/k/b", value: Array("2".utf8)).modRevision
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.currentRevision() == rev)
        #expect(try await reopened.get("/k/b")?.value == Array("2".utf8))
        let next = try await reopened.create("/k/c", value: Array("3".utf8))
        #expect(next.modRevision == rev + 1)
    }
}
