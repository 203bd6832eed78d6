import Foundation
import Yams

/// A kubeconfig file as `plinth login` edits it: named clusters, users and contexts merged into
/// whatever the file already holds (entries with the same name are replaced, others kept).
public struct KubeconfigFile {
    public var path: String
    var root: [String: Any]

    /// `$KUBECONFIG`'s first file, else `~/.kube/config`.
    public static var defaultPath: String {
        if let env = ProcessInfo.processInfo.environment["KUBECONFIG"], let first = env.split(separator: ":").first, !first.isEmpty {
            return String(first)
        }
        return (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.kube/config"
    }

    /// Reads `path`; a missing or empty file is an empty config.
    public init(path: String) throws {
        self.path = path
        if let bytes = readFile(path), !bytes.isEmpty {
            guard let loaded = try Yams.load(yaml: String(decoding: bytes, as: UTF8.self)) as? [String: Any] else {
                throw ClientError("\(path) is not a kubeconfig")
            }
            root = loaded
        } else {
            root = ["apiVersion": "v1", "kind": "Config", "preferences": [String: Any]()]
        }
    }

    public var currentContext: String? {
        get { root["current-context"] as? String }
        set { root["current-context"] = newValue ?? "" }
    }

    public func names(_ list: String) -> [String] {
        ((root[list] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    }

    /// The `context` map of a named context.
    public func context(_ name: String) -> [String: Any]? {
        ((root["contexts"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == name }?["context"] as? [String: Any]
    }

    /// Adds or replaces the entry `name` of `list` (`clusters`, `users`, `contexts`), whose body
    /// sits under the singular key (`cluster`, `user`, `context`).
    public mutating func set(_ list: String, name: String, _ body: [String: Any]) {
        var entries = (root[list] as? [[String: Any]]) ?? []
        let entry: [String: Any] = ["name": name, String(list.dropLast()): body]
        if let i = entries.firstIndex(where: { $0["name"] as? String == name }) { entries[i] = entry } else { entries.append(entry) }
        root[list] = entries
    }

    public mutating func remove(_ list: String, where predicate: ([String: Any]) -> Bool) {
        root[list] = ((root[list] as? [[String: Any]]) ?? []).filter { !predicate($0) }
    }

    /// Writes the file (mode 0600), creating its directory.
    public func save() throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let text = try Yams.dump(object: root, sortKeys: true)
        let tmp = path + ".tmp-\(getpid())"
        try text.write(toFile: tmp, atomically: false, encoding: .utf8)
        chmod(tmp, 0o600)
        guard rename(tmp, path) == 0 else { throw ClientError("cannot write \(path)") }
    }
}
