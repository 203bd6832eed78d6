@preconcurrency import Crypto
import Foundation
import PlinthJSON
import Synchronization

/// The server's token-signing keys, one PEM file each under `<data-dir>/signing-keys/`
/// (`<created unix seconds>-<kid>.pem`). The newest signs; every key still in the directory
/// verifies, so rotating (adding a key) leaves unexpired tokens valid. Keys retired longer than
/// `retention` ago are deleted when the ring rotates. Files are re-read when a token names a
/// key id the ring does not know (another server, or `plinth keys rotate`, added one).
public final class SigningKeyRing: Sendable {
    public struct Key: Sendable {
        public var kid: String
        public var created: Date
        public var privateKey: P256.Signing.PrivateKey
    }

    let directory: String
    private let state: Mutex<(keys: [Key], lastReload: ContinuousClock.Instant)>
    public static let retention: TimeInterval = 7 * 24 * 3600

    /// Loads the ring, creating its first key when there is none (from `legacyKeyPath`, the key
    /// older data directories kept, when it exists).
    public init(directory: String, legacyKeyPath: String? = nil) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var keys = Self.load(directory)
        if keys.isEmpty {
            let legacy = legacyKeyPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
                .flatMap { try? P256.Signing.PrivateKey(pemRepresentation: $0) }
            try Self.write(legacy ?? P256.Signing.PrivateKey(), created: Date(), in: directory)
            keys = Self.load(directory)
        }
        state = Mutex((keys, .now))
    }

    /// The key that signs new tokens: the newest, re-reading the directory every 30 seconds so a
    /// rotation (`plinth keys rotate`) takes effect without a restart.
    public var signingKey: Key {
        let stale = state.withLock { s -> Bool in
            guard ContinuousClock.now - s.lastReload > .seconds(30) else { return false }
            s.lastReload = .now
            return true
        }
        if stale {
            let loaded = Self.load(directory)
            state.withLock { if !loaded.isEmpty { $0.keys = loaded } }
        }
        return state.withLock { $0.keys.last! }
    }

    /// Every key that verifies, oldest first.
    public var keys: [Key] { state.withLock { $0.keys } }

    /// The key with this id, re-reading the directory (at most once a second) when unknown.
    public func key(id kid: String) -> Key? {
        if let k = state.withLock({ s in s.keys.first { $0.kid == kid } }) { return k }
        let fresh = state.withLock { s -> Bool in
            guard ContinuousClock.now - s.lastReload > .seconds(1) else { return false }
            s.lastReload = .now
            return true
        }
        guard fresh else { return nil }
        let loaded = Self.load(directory)
        state.withLock { if !loaded.isEmpty { $0.keys = loaded } }
        return loaded.first { $0.kid == kid }
    }

    /// Adds a new signing key and deletes keys retired longer than `retention` ago.
    @discardableResult
    public static func rotate(in directory: String, now: Date = Date()) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let kid = try write(P256.Signing.PrivateKey(), created: now, in: directory)
        let keys = load(directory)
        // A key is retired when the next one was created.
        for (older, newer) in zip(keys, keys.dropFirst()) where now.timeIntervalSince(newer.created) > retention {
            try? FileManager.default.removeItem(atPath: directory + "/" + fileName(older))
        }
        return kid
    }

    /// A key's id: its RFC 7638 thumbprint.
    public static func keyID(_ key: P256.Signing.PublicKey) -> String { JSONWebKey.thumbprint(of: key) }

    static func fileName(_ k: Key) -> String { "\(Int(k.created.timeIntervalSince1970))-\(k.kid).pem" }

    @discardableResult
    static func write(_ key: P256.Signing.PrivateKey, created: Date, in directory: String) throws -> String {
        let k = Key(kid: keyID(key.publicKey), created: created, privateKey: key)
        let path = directory + "/" + fileName(k)
        try key.pemRepresentation.write(toFile: path + ".tmp", atomically: false, encoding: .utf8)
        chmod(path + ".tmp", 0o600)
        guard rename(path + ".tmp", path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        return k.kid
    }

    static func load(_ directory: String) -> [Key] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var out: [Key] = []
        for name in names where name.hasSuffix(".pem") {
            guard let dash = name.firstIndex(of: "-"), let seconds = Int(name[..<dash]),
                  let pem = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8),
                  let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) else { continue }
            out.append(Key(kid: keyID(key.publicKey), created: Date(timeIntervalSince1970: TimeInterval(seconds)), privateKey: key))
        }
        return out.sorted { ($0.created, $0.kid) < ($1.created, $1.kid) }
    }
}
