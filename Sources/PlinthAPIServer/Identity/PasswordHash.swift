import Crypto
import Foundation
import _CryptoExtras

/// Password hashes for the user directory: scrypt (a slow, memory-hard KDF) with a random salt,
/// stored as `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>` so parameters can grow later
/// without invalidating stored hashes.
public enum PasswordHash {
    /// 2^15 rounds, r 8, p 1: 32 MiB and about a tenth of a second per check on one core.
    public static let defaultLogRounds = 15

    public static func make(_ password: String, logRounds: Int = defaultLogRounds) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255) }
        let hash = try derive(password, salt: salt, logRounds: logRounds, r: 8, p: 1)
        return "scrypt$\(logRounds)$8$1$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
    }

    /// Whether `password` matches `stored`; false for malformed hashes.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let logRounds = Int(parts[1]), (10...20).contains(logRounds),
              let r = Int(parts[2]), let p = Int(parts[3]), (1...16).contains(r), (1...4).contains(p),
              let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
              let actual = try? derive(password, salt: [UInt8](salt), logRounds: logRounds, r: r, p: p),
              actual.count == expected.count else { return false }
        var diff: UInt8 = 0
        for (a, b) in zip(actual, expected) { diff |= a ^ b }
        return diff == 0
    }

    static func derive(_ password: String, salt: [UInt8], logRounds: Int, r: Int, p: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32,
                                           rounds: 1 << logRounds, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Array($0) }
    }
}
