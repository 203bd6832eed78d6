import Crypto
import Foundation
import PlinthAPIMachinery
import PlinthJSON
import Synchronization

/// The built-in user directory: users and groups kept as Secrets in the `plinth-system`
/// namespace (type `plinth.dev/user` with `username` and `passwordHash`; type
/// `plinth.dev/group` with `name` and newline-separated `members`). Being API objects they are
/// shared by every server on the same store and readable only by admins. Read from the Secrets
/// watch cache; the index is rebuilt when that namespace's Secrets change.
public final class UserDirectory: Sendable {
    public static let namespace = "plinth-system"
    public static let userType = "plinth.dev/user"
    public static let groupType = "plinth.dev/group"

    public struct User: Sendable, Equatable {
        public var name: String
        public var passwordHash: String
        public var uid: String
    }

    struct Index: Sendable {
        var users: [String: User] = [:]
        var groupsOf: [String: [String]] = [:]
        var groups: [String: [String]] = [:]
    }

    let registry: ObjectRegistry
    private let state = Mutex<(generation: Int, index: Index)>((-1, Index()))

    public init(registry: ObjectRegistry) { self.registry = registry }

    /// The Secret that holds a user (or group): readable names stay readable, others are hashed.
    public static func secretName(kind: String, name: String) -> String {
        let simple = name.count <= 50 && !name.isEmpty && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
            && name.first != "-" && name.last != "-"
        if simple { return "\(kind)-\(name)" }
        let digest = SHA256.hash(data: Array(name.utf8)).map { String(format: "%02x", $0) }.joined()
        return "\(kind)-\(digest.prefix(32))"
    }

    public func user(_ name: String) async -> User? { await index().users[name] }

    /// The directory groups `user` belongs to, sorted.
    public func groups(of user: String) async -> [String] { await index().groupsOf[user] ?? [] }

    /// Checks a password (slow on purpose); nil when the user is unknown or the password wrong.
    public func authenticate(username: String, password: String) async -> User? {
        guard let u = await user(username) else {
            // Spend the same time on unknown users so timing does not reveal who exists.
            _ = PasswordHash.verify(password, against: Self.decoyHash)
            return nil
        }
        return PasswordHash.verify(password, against: u.passwordHash) ? u : nil
    }

    static let decoyHash = (try? PasswordHash.make("decoy")) ?? ""

    func index() async -> Index {
        guard let secrets = registry.catalog.lookup(group: "", version: "v1", plural: "secrets"),
              let cache = try? registry.cache(secrets) else { return Index() }
        await cache.waitUntilReady()
        let generation = cache.contentGeneration
        if let current = state.withLock({ $0.generation == generation ? $0.index : nil }) { return current }
        var built = Index()
        let items = cache.objects(namespace: Self.namespace)
        for item in items {
            let o = item.object
            func field(_ k: String) -> String? {
                o[path: ["data", k]]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
            }
            switch o.string("type") {
            case Self.userType:
                guard let name = field("username"), let hash = field("passwordHash") else { continue }
                built.users[name] = User(name: name, passwordHash: hash, uid: o.string("metadata", "uid") ?? "")
            case Self.groupType:
                guard let name = field("name") else { continue }
                let members = (field("members") ?? "").split(separator: "\n").map(String.init).filter { !$0.isEmpty }
                built.groups[name] = members
                for m in members { built.groupsOf[m, default: []].append(name) }
            default:
                continue
            }
        }
        for k in built.groupsOf.keys { built.groupsOf[k]?.sort() }
        state.withLock { $0 = (generation, built) }
        return built
    }
}
