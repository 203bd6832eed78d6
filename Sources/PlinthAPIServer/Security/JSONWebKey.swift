import Crypto
import _CryptoExtras
import PlinthJSON

/// A public key that verifies JWS signatures, read from a JSON Web Key (RFC 7517) or built
/// from a key in hand.
///
/// Supported: `kty: EC` with `crv: P-256` (verifies ES256) and `kty: RSA` of at least 2048 bits
/// (verifies RS256). Private members of a JWK (`d`, `p`, …) are ignored: this type only verifies.
public struct JSONWebKey: Sendable {
    /// The key material; its case decides which algorithm the key can verify.
    ///
    /// `@unchecked` because swift-crypto 3.x does not mark `P256.Signing.PublicKey` Sendable;
    /// it is an immutable wrapper of a BoringSSL key that is only read, and swift-crypto 4
    /// declares the same type Sendable.
    public enum Material: @unchecked Sendable {
        case p256(P256.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    /// Why a JWK could not be read. `unsupported` keys are well-formed but of a kind this type
    /// does not verify with (a JWK set skips them); `malformed` keys are broken.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case unsupported(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .unsupported(let m): return "unsupported JSON web key: \(m)"
            case .malformed(let m): return "malformed JSON web key: \(m)"
            }
        }
    }

    /// The smallest RSA modulus accepted, as swift-crypto's own key parsers require.
    static let minimumRSABits = 2048

    public var material: Material
    /// `kid`: which key of a set signed a token (matched against the token header's `kid`).
    public var kid: String?
    /// `alg`: when set, the one algorithm this key may verify; when nil, the algorithm follows from the key type.
    public var alg: String?

    public init(_ material: Material, kid: String? = nil, alg: String? = nil) {
        self.material = material
        self.kid = kid
        self.alg = alg
    }

    /// Reads one JWK object.
    ///
    /// Throws `.unsupported` for other key types and curves, RSA keys under 2048 bits, and
    /// keys meant for encryption (`use: enc`, or `key_ops` without `verify`); throws
    /// `.malformed` when a member has the wrong type or a coordinate, modulus or exponent is not
    /// a valid base64url key component.
    public init(json: JSON) throws(ParseError) {
        guard let object = json.objectValue else { throw .malformed("not a JSON object") }
        func string(_ name: String) throws(ParseError) -> String? {
            guard let value = object[name] else { return nil }
            guard let s = value.stringValue else { throw .malformed("\"\(name)\" is not a string") }
            return s
        }
        func component(_ name: String) throws(ParseError) -> [UInt8] {
            guard let text = try string(name) else { throw .malformed("missing \"\(name)\"") }
            guard let bytes = Base64URL.decode(text), !bytes.isEmpty else { throw .malformed("\"\(name)\" is not base64url") }
            return bytes
        }

        guard let kty = try string("kty") else { throw .malformed("missing \"kty\"") }
        let kid = try string("kid")
        let alg = try string("alg")
        if let use = try string("use"), use != "sig" { throw .unsupported("use \"\(use)\"") }
        if let ops = object["key_ops"] {
            guard let list = ops.arrayValue else { throw .malformed("\"key_ops\" is not an array") }
            if !list.contains(.string("verify")) { throw .unsupported("key_ops without \"verify\"") }
        }

        switch kty {
        case "EC":
            let crv = try string("crv")
            guard crv == "P-256" else { throw .unsupported("curve \(crv ?? "(none)")") }
            if let alg, alg != "ES256" { throw .unsupported("alg \(alg) for a P-256 key") }
            // RFC 7518 §6.2.1.2: coordinates are the full field size, leading zeros included.
            let x = try component("x"), y = try component("y")
            guard x.count == 32, y.count == 32 else { throw .malformed("P-256 coordinates must be 32 bytes") }
            do {
                material = .p256(try P256.Signing.PublicKey(rawRepresentation: x + y))
            } catch {
                throw .malformed("point is not on P-256")
            }
        case "RSA":
            if let alg, alg != "RS256" { throw .unsupported("alg \(alg) for an RSA key") }
            let n = try component("n"), e = try component("e")
            let key: _RSA.Signing.PublicKey
            do {
                key = try _RSA.Signing.PublicKey(n: n, e: e)
            } catch {
                throw .malformed("invalid RSA modulus or exponent")
            }
            // `init(n:e:)` does not enforce a minimum size as the DER and PEM parsers do.
            guard key.keySizeInBits >= Self.minimumRSABits else {
                throw .unsupported("\(key.keySizeInBits)-bit RSA key (minimum \(Self.minimumRSABits))")
            }
            material = .rsa(key)
        default:
            throw .unsupported("kty \(kty)")
        }
        self.kid = kid
        self.alg = alg
    }

    /// Whether this key may verify signatures made with `algorithm` (a JWS `alg` value).
    public func accepts(algorithm: String) -> Bool {
        if let alg, alg != algorithm { return false }
        switch material {
        case .p256: return algorithm == "ES256"
        case .rsa: return algorithm == "RS256"
        }
    }

    /// Whether `signature` is this key's `algorithm` signature over `signingInput`.
    ///
    /// ES256 signatures are JWS's fixed 64-byte `r || s` (RFC 7518 §3.4), not DER. RS256 is
    /// RSASSA-PKCS1-v1_5 with SHA-256. Any other algorithm, or one the key does not accept
    /// (see `accepts(algorithm:)`), gives false — so a token cannot pick an algorithm its key was
    /// not made for.
    public func verify(signature: [UInt8], over signingInput: [UInt8], algorithm: String) -> Bool {
        guard accepts(algorithm: algorithm) else { return false }
        switch material {
        case .p256(let key):
            guard signature.count == 64,
                  let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: signingInput)
        case .rsa(let key):
            // PKCS#1 v1.5 is what RS256 means; "insecure" is swift-crypto's word for choosing it on purpose.
            let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
            return key.isValidSignature(sig, for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5)
        }
    }

    /// The public JWK of a P-256 key, for publishing in the server's JWKS:
    /// `{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":…,"x":…,"y":…}`.
    public static func jwk(for key: P256.Signing.PublicKey, kid: String) -> JSON {
        // rawRepresentation is x || y, each 32 bytes big-endian.
        let raw = Array(key.rawRepresentation)
        return [
            "kty": "EC",
            "crv": "P-256",
            "use": "sig",
            "alg": "ES256",
            "kid": .string(kid),
            "x": .string(Base64URL.encode(raw[0..<32])),
            "y": .string(Base64URL.encode(raw[32..<64])),
        ]
    }

    /// The RFC 7638 thumbprint of a P-256 key: base64url SHA-256 of its required members in
    /// lexicographic order. A stable `kid` that needs no bookkeeping.
    public static func thumbprint(of key: P256.Signing.PublicKey) -> String {
        let raw = Array(key.rawRepresentation)
        let canonical: JSON = [
            "crv": "P-256",
            "kty": "EC",
            "x": .string(Base64URL.encode(raw[0..<32])),
            "y": .string(Base64URL.encode(raw[32..<64])),
        ]
        return Base64URL.encode(SHA256.hash(data: canonical.serialized()))
    }
}

/// A JWK set (RFC 7517 §5): the keys an issuer may sign tokens with.
public struct JSONWebKeySet: Sendable {
    public var keys: [JSONWebKey]

    public init(keys: [JSONWebKey]) { self.keys = keys }

    /// Reads `{"keys":[…]}`. Keys this server cannot verify with (other types and curves,
    /// encryption keys, small RSA keys) are skipped, so an issuer may publish them alongside
    /// supported ones; a malformed key or a document without a `keys` array throws.
    public init(json: JSON) throws(JSONWebKey.ParseError) {
        guard let list = json["keys"]?.arrayValue else { throw .malformed("JWK set has no \"keys\" array") }
        var keys: [JSONWebKey] = []
        for entry in list {
            do {
                keys.append(try JSONWebKey(json: entry))
            } catch .unsupported {
                continue
            }
        }
        self.keys = keys
    }

    /// The keys that may verify a token signed with `algorithm` under `kid`; a nil `kid` matches every key.
    public func candidates(kid: String?, algorithm: String) -> [JSONWebKey] {
        keys.filter { ($0.kid == kid || kid == nil) && $0.accepts(algorithm: algorithm) }
    }
}
