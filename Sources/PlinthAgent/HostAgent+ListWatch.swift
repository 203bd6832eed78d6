import Foundation
import PlinthJSON

extension HostAgent {
    /// A change a watch brought: ADDED, MODIFIED or DELETED, and the object.
    struct WatchChange {
        var type: String
        var object: JSON
    }

    /// Lists `path` and then watches it from the list's revision, as informers do: `replace`
    /// gets every fresh list (after a watch that cannot resume, or an error), `apply` every
    /// change, and `idle` runs each time a watch ends (at least every 45 s), for retries.
    func listAndWatch(_ path: String, what: String, replace: ([JSON]) async -> Void, apply: (WatchChange) async -> Void,
                      idle: () async -> Void = {}) async {
        let separator = path.contains("?") ? "&" : "?"
        while !Task.isCancelled {
            do {
                let list = try await api.request(.GET, path)
                await replace(list["items"]?.arrayValue ?? [])
                var revision = list.string("metadata", "resourceVersion") ?? "0"
                while !Task.isCancelled {
                    let opened = ContinuousClock.now
                    var gone = false
                    try await api.watch(path + separator + "watch=1&allowWatchBookmarks=true&timeoutSeconds=45&resourceVersion=\(revision)") { event in
                        let object = event["object"] ?? [:]
                        if let rv = object.string("metadata", "resourceVersion") { revision = rv }
                        switch event.string("type") {
                        case let type? where type == "ADDED" || type == "MODIFIED" || type == "DELETED":
                            await apply(WatchChange(type: type, object: object))
                        case "ERROR":
                            gone = true
                        default:
                            break
                        }
                    }
                    await idle()
                    if gone { break }
                    // A watch the server ended at once (it is shutting down) is not reopened in a tight loop.
                    if ContinuousClock.now - opened < .seconds(1) { try await Task.sleep(for: .seconds(1)) }
                }
            } catch {
                if !Task.isCancelled { logger.warning("watching \(what) for \(config.nodeName): \(error)") }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
