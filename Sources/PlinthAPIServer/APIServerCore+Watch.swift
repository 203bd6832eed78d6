import Foundation
import Hummingbird
import NIOCore
import PlinthAPIMachinery
import PlinthJSON

extension APIServerCore {
    /// A watch stream: one JSON event per line, ended when `timeoutSeconds` runs out.
    func watch(_ r: ResourceType, namespace: String?, name: String?, query: QueryParameters, accept: Accept) async throws(APIError) -> Response {
        var filter = try makeFilter(r, namespace: namespace, query: query)
        if let name {
            // A watch on one object (`/…/configmaps/x?watch=true`, the older form).
            let base = filter
            filter = WatchFilter(namespace: namespace) { o in o.name == name && base.matches(o) }
        }
        let cache = try registry.cache(r)
        await cache.waitUntilReady()
        let rv = query["resourceVersion"] ?? ""
        let start: WatchCache.WatchStart
        if rv.isEmpty || rv == "0" {
            start = .currentState
        } else if let n = Int64(rv) {
            if n > cache.revision {
                if await !cache.waitUntilFresh(n, timeout: .seconds(3)) {
                    throw APIError.timeout("Too large resource version: \(n), current: \(cache.revision)")
                }
            }
            start = .after(n)
        } else {
            throw APIError.badRequest("invalid resource version: \(rv)")
        }
        let bookmarks = query.bool("allowWatchBookmarks")
        let (stream, _) = try cache.watch(from: start, filter: filter, bookmarks: bookmarks)
        let timeout: Double
        if let t = query["timeoutSeconds"], let secs = Double(t), secs > 0 {
            timeout = secs
        } else {
            timeout = 1800 * (1 + Double.random(in: 0..<1))
        }
        let table = accept.table
        let printer = tablePrinter(r)
        let includeObject = (try? TableBuilder.includeObject(query["includeObject"])) ?? .metadata
        let metrics = self.metrics
        metrics.watchStarted()
        var headers: HTTPFields = [:]
        headers[.contentType] = table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json"
        headers[.cacheControl] = "no-cache, private"
        let body = ResponseBody { writer in
            defer { metrics.watchEnded() }
            var firstTable = true
            // Events and the deadline meet in one stream that this task drains and writes.
            let (merged, mergedInput) = AsyncStream.makeStream(of: CacheWatchEvent.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in stream { mergedInput.yield(event) }
                    mergedInput.finish()
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(timeout))
                    mergedInput.finish()
                }
                let stopping = self.stopping
                group.addTask {
                    await stopping.wait()
                    mergedInput.finish()
                }
                for await event in merged {
                    var line: [UInt8] = []
                    line.reserveCapacity(512)
                    Self.encode(event, r, printer: printer, table: table, firstTable: &firstTable, includeObject: includeObject, into: &line)
                    try await writer.write(ByteBuffer(bytes: line))
                }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func encode(_ event: CacheWatchEvent, _ r: ResourceType, printer: TablePrinter, table: Bool, firstTable: inout Bool,
                       includeObject: TableBuilder.IncludeObject, into out: inout [UInt8]) {
        out.append(contentsOf: "{\"type\":\"\(event.typeName)\",\"object\":".utf8)
        switch event {
        case .added(let stored), .modified(let stored), .deleted(let stored):
            let o = stored.converted(to: r)
            if table {
                let t = TableBuilder.table(r, printer: printer, items: [o], revision: o.revision, continueToken: nil, includeObject: includeObject,
                                           withColumns: firstTable)
                firstTable = false
                t.serialize(into: &out)
            } else {
                out.append(contentsOf: o.bytes)
            }
        case .bookmark(let rev):
            out.append(contentsOf: "{\"kind\":\"\(r.kind)\",\"apiVersion\":\"\(r.apiVersion)\",\"metadata\":{\"resourceVersion\":\"\(rev)\",\"creationTimestamp\":null}}".utf8)
        case .error(let status):
            status.serialize(into: &out)
        }
        out.append(contentsOf: "}\n".utf8)
    }
}
