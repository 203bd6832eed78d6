import Foundation
import Logging
import PlinthAPIMachinery
@testable import PlinthAPIServer
import PlinthJSON
import PlinthStorageSQLite
import Testing

/// The object layer and the watch cache over a real SQLite store, without HTTP.
@Suite("registry and watch cache")
struct RegistryTests {
    let dir: String
    let registry: ObjectRegistry
    let configMaps: ResourceType
    let deployments: ResourceType
    let namespaces: ResourceType

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-reg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: dir + "/t.db")
        let catalog = ResourceCatalog(BuiltinResources.all)
        registry = ObjectRegistry(storage: store, catalog: catalog, logger: Logger(label: "test"))
        configMaps = catalog.lookup(group: "", version: "v1", plural: "configmaps")!
        deployments = catalog.lookup(group: "apps", version: "v1", plural: "deployments")!
        namespaces = catalog.lookup(group: "", version: "v1", plural: "namespaces")!
    }

    /// Runs `body` with every watch cache fed, then stops them.
    func withCaches(_ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for cache in registry.allCaches { group.addTask { await cache.run() } }
            for cache in registry.allCaches { await cache.waitUntilReady() }
            _ = try await registry.create(namespaces, namespace: nil, object: ["metadata": ["name": "ns"]], options: .init())
            try await body()
            group.cancelAll()
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    func configMap(_ name: String, labels: JSON = [:]) -> JSON {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "labels": labels], "data": ["k": "v"]]
    }

    @Test func readsAreConsistentRightAfterWrites() async throws {
        try await withCaches {
            for i in 0..<50 {
                let created = try await registry.create(configMaps, namespace: "ns", object: configMap("c\(i)"), options: .init())
                // Read-your-writes through the cache, immediately.
                let got = try await registry.get(configMaps, namespace: "ns", name: "c\(i)")
                #expect(got.revision == created.revision)
            }
            let page = try await registry.list(configMaps, namespace: "ns", resourceVersion: nil, limit: 0, continueToken: nil, filter: .init(namespace: "ns"))
            #expect(page.items.count == 50)
            // A write to another resource moves the store; a consistent read still answers.
            _ = try await registry.create(deployments, namespace: "ns", object: [
                "metadata": ["name": "d"], "spec": ["selector": ["matchLabels": ["a": "b"]],
                "template": ["metadata": ["labels": ["a": "b"]], "spec": ["containers": [["name": "c", "image": "i"]]]]],
            ], options: .init())
            let after = try await registry.list(configMaps, namespace: "ns", resourceVersion: nil, limit: 0, continueToken: nil, filter: .init())
            #expect(after.revision >= page.revision)
        }
    }

    @Test func pagingReturnsEveryItemOnce() async throws {
        try await withCaches {
            for i in 0..<23 { _ = try await registry.create(configMaps, namespace: "ns", object: configMap(String(format: "p%02d", i)), options: .init()) }
            var names: [String] = []
            var token: String? = nil
            repeat {
                let page = try await registry.list(configMaps, namespace: "ns", resourceVersion: nil, limit: 5, continueToken: token, filter: .init())
                names += page.items.map(\.name)
                token = page.continueToken
            } while token != nil
            #expect(names == (0..<23).map { String(format: "p%02d", $0) })
        }
    }

    @Test func updatesBumpGenerationOnlyOnSpecChanges() async throws {
        try await withCaches {
            let d: JSON = ["metadata": ["name": "web"], "spec": ["replicas": 1, "selector": ["matchLabels": ["a": "b"]],
                           "template": ["metadata": ["labels": ["a": "b"]], "spec": ["containers": [["name": "c", "image": "i"]]]]]]
            let created = try await registry.create(deployments, namespace: "ns", object: d, options: .init())
            #expect(created.object[path: ["metadata", "generation"]] == 1)
            var labeled = created.object
            labeled[path: ["metadata", "labels"]] = ["x": "y"]
            let afterLabel = try await registry.update(deployments, namespace: "ns", name: "web", object: labeled, subresource: nil, options: .init())
            #expect(afterLabel.object[path: ["metadata", "generation"]] == 1)
            var scaled = afterLabel.object
            scaled[path: ["spec", "replicas"]] = 3
            scaled[path: ["status", "replicas"]] = 99  // ignored: status has its own subresource
            let afterScale = try await registry.update(deployments, namespace: "ns", name: "web", object: scaled, subresource: nil, options: .init())
            #expect(afterScale.object[path: ["metadata", "generation"]] == 2)
            #expect(afterScale.object[path: ["status", "replicas"]] == nil)
            // Stale resourceVersion: conflict.
            await #expect(throws: APIError.conflict(deployments, "web")) {
                _ = try await registry.update(deployments, namespace: "ns", name: "web", object: labeled, subresource: nil, options: .init())
            }
            // A no-op update does not write.
            let same = try await registry.update(deployments, namespace: "ns", name: "web", object: afterScale.object, subresource: nil, options: .init())
            #expect(same.revision == afterScale.revision)
        }
    }

    @Test func watchersSeeObjectsEnterAndLeaveTheirSelector() async throws {
        try await withCaches {
            let cache = try registry.cache(configMaps)
            let selector = try LabelSelector.parse("team=a")
            let filter = WatchFilter(namespace: "ns") { selector.matches(labels: $0.object[path: ["metadata", "labels"]]?.objectValue) }
            let (stream, _) = try cache.watch(from: .currentState, filter: filter)
            let c = try await registry.create(configMaps, namespace: "ns", object: configMap("w", labels: ["team": "b"]), options: .init())
            var o = c.object
            o[path: ["metadata", "labels", "team"]] = "a"
            let entered = try await registry.update(configMaps, namespace: "ns", name: "w", object: o, subresource: nil, options: .init())
            o = entered.object
            o[path: ["metadata", "labels", "team"]] = "c"
            _ = try await registry.update(configMaps, namespace: "ns", name: "w", object: o, subresource: nil, options: .init())
            var seen: [String] = []
            for await event in stream {
                seen.append(event.typeName)
                if seen.count == 2 { break }
            }
            #expect(seen == ["ADDED", "DELETED"])
        }
    }

    @Test func watchFromAnOldRevisionReplaysHistory() async throws {
        try await withCaches {
            let first = try await registry.create(configMaps, namespace: "ns", object: configMap("h1"), options: .init())
            _ = try await registry.create(configMaps, namespace: "ns", object: configMap("h2"), options: .init())
            _ = try await registry.delete(configMaps, namespace: "ns", name: "h1", options: DeleteOptions())
            let cache = try registry.cache(configMaps)
            await cache.waitUntilFresh(try await registry.storage.currentRevision())
            let (stream, _) = try cache.watch(from: .after(first.revision), filter: .everything)
            var seen: [String] = []
            for await event in stream {
                seen.append("\(event.typeName)")
                if seen.count == 2 { break }
            }
            #expect(seen == ["ADDED", "DELETED"])
        }
    }
}

@Suite("resourceVersion splice")
struct ResourceVersionSpliceTests {
    @Test func insertsIntoCanonicalLayouts() throws {
        let stored = Array(#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"},"data":{}}"#.utf8)
        let o = try CachedObject(key: "/registry/configmaps/ns/a", stored: stored, revision: 42, createRevision: 7)
        #expect(String(decoding: o.bytes, as: UTF8.self) == #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"42","name":"a"},"data":{}}"#)
        #expect(o.object.string("metadata", "resourceVersion") == "42")
        #expect(o.name == "a")
        let empty = try CachedObject(key: "/k/x", stored: Array(#"{"kind":"K","apiVersion":"v1","metadata":{}}"#.utf8), revision: 3, createRevision: 3)
        #expect(String(decoding: empty.bytes, as: UTF8.self) == #"{"kind":"K","apiVersion":"v1","metadata":{"resourceVersion":"3"}}"#)
    }

    @Test func otherLayoutsAreParsed() throws {
        let o = try CachedObject(key: "/k/x", stored: Array(#"{"metadata":{"name":"x"},"kind":"K","apiVersion":"v1"}"#.utf8), revision: 9, createRevision: 9)
        #expect(o.object.string("metadata", "resourceVersion") == "9")
        #expect(try JSON.parse(o.bytes).string("metadata", "resourceVersion") == "9")
        #expect(throws: (any Error).self) { _ = try CachedObject(key: "/k/y", stored: Array("not json".utf8), revision: 1, createRevision: 1) }
    }
}
