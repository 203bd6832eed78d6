import Crypto
import Foundation
import PlinthJSON

/// Why a JSON web token was refused.
public enum TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not three base64url parts, a header or payload that is not a JSON object, a claim of the wrong type, ….
    case malformed(String)
    /// `alg` is `none` or one this server does not verify (only ES256 and RS256 are).
    case unsupportedAlgorithm(String)
    /// No key of the set has the token's `kid`, or the set is empty; nil when the token names no key.
    case unknownKeyID(String?)
    /// No candidate key verifies the signature.
    case badSignature
    /// `exp` is past (beyond the leeway).
    case expired
    /// `nbf` or `iat` is in the future (beyond the leeway).
    case notYetValid
    /// A claim the validation requires is absent (`exp`).
    case missingClaim(String)
    /// `iss` is not the expected issuer; carries what the token said.
    case wrongIssuer(String?)
    /// No `aud` value is one of the accepted audiences.
    case wrongAudience
    /// The token is genuine and current, but what it names (a user, a ServiceAccount, a pod) is
    /// gone. Not thrown here; for authenticators that check the subject after `validate`.
    case revoked

    public var description: String {
        switch self {
        case .malformed(let m): return "malformed token: \(m)"
        case .unsupportedAlgorithm(let a): return "unsupported signing algorithm \"\(a)\""
        case .unknownKeyID(let k): return k.map { "no key with kid \"\($0)\"" } ?? "no key to verify the token with"
        case .badSignature: return "invalid token signature"
        case .expired: return "token has expired"
        case .notYetValid: return "token is not valid yet"
        case .missingClaim(let c): return "token has no \"\(c)\" claim"
        case .wrongIssuer(let i): return "token issuer \(i.map { "\"\($0)\"" } ?? "(none)") is not trusted"
        case .wrongAudience: return "token audience is not accepted"
        case .revoked: return "token subject no longer exists"
        }
    }
}

/// A compact-serialized JWS carrying JWT claims (RFC 7519), split into its parts.
///
/// Decoding only parses: call `verify(with:)` for the signature and `validate(issuer:…)` for
/// the claims before trusting anything in `claims`.
public struct JSONWebToken: Sendable {
    /// The algorithms `verify(with:)` accepts.
    public static let supportedAlgorithms: Set<String> = ["ES256", "RS256"]

    /// The JOSE header; `alg` is present and a string other than `none`.
    public let header: JSONObject
    /// The payload's claims.
    public let claims: JSONObject
    /// The bytes the signature covers: the first two parts and the dot between them, as received.
    public let signingInput: [UInt8]
    /// The decoded third part.
    public let signature: [UInt8]

    /// The header's `alg`.
    public var algorithm: String { header["alg"]?.stringValue ?? "" }
    /// The header's `kid`, if any.
    public var keyID: String? { header["kid"]?.stringValue }

    /// Splits and parses a compact JWS (`header.payload.signature`).
    ///
    /// Throws `.malformed` unless there are exactly three base64url parts with a JSON object
    /// header and payload, a string `alg`, a string `kid` if any, no `crit` header (no
    /// extensions are understood, RFC 7515 §4.1.11) and a non-empty signature; throws
    /// `.unsupportedAlgorithm` for `alg: none` (any case). Other algorithms pass here and are
    /// refused by `verify(with:)`.
    public static func decode(_ compact: String) throws(TokenError) -> JSONWebToken {
        let parts = compact.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected 3 dot-separated parts, found \(parts.count)") }
        guard let headerBytes = Base64URL.decode(Substring(parts[0])),
              let payloadBytes = Base64URL.decode(Substring(parts[1])),
              let signature = Base64URL.decode(Substring(parts[2])) else {
            throw .malformed("a part is not base64url")
        }
        guard let header = (try? JSON.parse(headerBytes))?.objectValue else { throw .malformed("header is not a JSON object") }
        guard let alg = header["alg"]?.stringValue else { throw .malformed("header has no string \"alg\"") }
        if alg.lowercased() == "none" { throw .unsupportedAlgorithm(alg) }
        if let kid = header["kid"], kid.stringValue == nil { throw .malformed("\"kid\" is not a string") }
        if header["crit"] != nil { throw .malformed("unsupported critical header parameters") }
        guard let claims = (try? JSON.parse(payloadBytes))?.objectValue else { throw .malformed("payload is not a JSON object") }
        guard !signature.isEmpty else { throw .malformed("empty signature") }

        // Dots are ASCII, so the signing input is the original text up to the second dot.
        let signingInput = Array(compact.utf8[parts[0].startIndex..<parts[1].endIndex])
        return JSONWebToken(header: header, claims: claims, signingInput: signingInput, signature: signature)
    }

    /// An ES256 compact JWS of `claims` with header `{"alg":"ES256","kid":kid,"typ":"JWT"}`.
    ///
    /// The claims are serialized as given (key order kept); the caller sets `iss`, `aud`,
    /// `exp`, …. Traps only if the crypto library cannot produce a signature at all (no memory
    /// or randomness), which no caller could recover from either.
    public static func sign(claims: JSONObject, key: P256.Signing.PrivateKey, kid: String) -> String {
        let header: JSON = ["alg": "ES256", "kid": .string(kid), "typ": "JWT"]
        let input = Base64URL.encode(header.serialized()) + "." + Base64URL.encode(JSON.object(claims).serialized())
        let signature: P256.Signing.ECDSASignature
        do {
            signature = try key.signature(for: Array(input.utf8))
        } catch {
            fatalError("P-256 signing failed: \(error)")
        }
        // rawRepresentation is r || s, the JWS form (RFC 7518 §3.4).
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// Checks the signature against `keys`.
    ///
    /// With a `kid`, only keys with that `kid` are tried (`.unknownKeyID` if there are none);
    /// without one, every key is. Keys whose type or `alg` does not fit the token's `alg` are
    /// never used, so a token cannot choose how its key is interpreted. Throws
    /// `.unsupportedAlgorithm` for algorithms other than ES256 and RS256 and `.badSignature`
    /// when no fitting key verifies.
    public func verify(with keys: JSONWebKeySet) throws(TokenError) {
        let alg = algorithm
        guard Self.supportedAlgorithms.contains(alg) else { throw .unsupportedAlgorithm(alg) }
        let kid = keyID
        if keys.keys.isEmpty || (kid != nil && !keys.keys.contains { $0.kid == kid }) { throw .unknownKeyID(kid) }
        for key in keys.candidates(kid: kid, algorithm: alg)
        where key.verify(signature: signature, over: signingInput, algorithm: alg) {
            return
        }
        throw .badSignature
    }

    /// Checks the registered claims at time `now`, allowing `leeway` seconds of clock skew
    /// on every time comparison (as go-jose does for Kubernetes service account tokens).
    ///
    /// - `iss` must equal `issuer` (`.wrongIssuer`).
    /// - `aud`, a string or an array of strings, must contain a member of `audiences`
    ///   (`.wrongAudience`; an empty `audiences` refuses every token).
    /// - `exp` must be present (`.missingClaim`) and `now` before `exp + leeway` (`.expired`).
    /// - `nbf` and `iat`, when present, must not be after `now + leeway` (`.notYetValid`).
    ///
    /// Time claims are NumericDates: JSON numbers of seconds since 1970 (fractions allowed);
    /// any other type is `.malformed`. A null claim counts as absent. Does not check the signature.
    public func validate(issuer: String, audiences: Set<String>, now: Date, leeway: TimeInterval = 60) throws(TokenError) {
        let iss = claims["iss"]?.stringValue
        guard iss == issuer else { throw .wrongIssuer(iss) }

        let tokenAudiences: [String]
        switch claims["aud"] {
        case .string(let a)?:
            tokenAudiences = [a]
        case .array(let list)?:
            var strings: [String] = []
            for item in list {
                guard let s = item.stringValue else { throw .malformed("\"aud\" has a non-string member") }
                strings.append(s)
            }
            tokenAudiences = strings
        case nil, .null?:
            throw .wrongAudience
        case _?:
            throw .malformed("\"aud\" is neither a string nor an array")
        }
        guard tokenAudiences.contains(where: audiences.contains) else { throw .wrongAudience }

        let t = now.timeIntervalSince1970
        guard let exp = try numericDate("exp") else { throw .missingClaim("exp") }
        guard t < exp + leeway else { throw .expired }
        if let nbf = try numericDate("nbf"), nbf > t + leeway { throw .notYetValid }
        if let iat = try numericDate("iat"), iat > t + leeway { throw .notYetValid }
    }

    /// The claim `name` as seconds since 1970; nil when absent or null (as Go's decoder reads null).
    private func numericDate(_ name: String) throws(TokenError) -> Double? {
        guard let value = claims[name], !value.isNull else { return nil }
        guard let seconds = value.doubleValue, seconds.isFinite else { throw .malformed("\"\(name)\" is not a number") }
        return seconds
    }
}
