import Crypto
import _CryptoExtras
import Foundation
@testable import PlinthAPIServer
import PlinthJSON
import Testing

/// JWS/JWT decoding, signing, verification against JWK sets and claim validation, without a server.
@Suite("JSON web tokens")
struct JSONWebTokenTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let issuer = "https://plinth.example"

    /// Claims that pass `validate(issuer:audiences:["api"]…)` at `now`.
    func claims(_ extra: JSONObject = [:]) -> JSONObject {
        var c: JSONObject = ["iss": .string(issuer), "sub": "system:serviceaccount:ns:sa", "aud": ["api"],
                             "iat": 1_800_000_000, "nbf": 1_800_000_000, "exp": 1_800_003_600]
        for (k, v) in extra { c[k] = v }
        return c
    }

    func keySet(_ key: P256.Signing.PrivateKey, kid: String) throws -> JSONWebKeySet {
        try JSONWebKeySet(json: ["keys": [JSONWebKey.jwk(for: key.publicKey, kid: kid)]])
    }

    /// Reassembles a compact token from raw header and payload JSON and a signature.
    func compact(_ header: JSON, _ payload: JSON, signature: [UInt8] = [1, 2, 3]) -> String {
        Base64URL.encode(header.serialized()) + "." + Base64URL.encode(payload.serialized()) + "." + Base64URL.encode(signature)
    }

    // MARK: base64url

    @Test func base64URLMatchesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        // The URL-safe alphabet: 62 and 63 are `-` and `_`.
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test func base64URLPaddingIsOptionalButMustBeComplete() {
        #expect(Base64URL.decode("Zg==") == Array("f".utf8))
        #expect(Base64URL.decode("Zm8=") == Array("fo".utf8))
        #expect(Base64URL.decode(Substring("xZg==").dropFirst()) == Array("f".utf8))
        for bad in ["Zg=", "Zm8==", "Zm9v=", "Zg===", "=", "==", "====", "=Zg", "Z=g=", "Zm9vYmFy===="] {
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
    }

    @Test func base64URLRejectsOtherAlphabetsAndNonCanonicalText() {
        // Standard base64's `+` and `/`, whitespace, non-ASCII, a lone trailing character.
        for bad in ["+/8", "Zm9v/w", "Zm 9v", "Zm9v\n", "Zé", "Z", "Zm9vY"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
        // Unused low bits must be zero, so "Zh" (which also reads as "f") is not accepted.
        #expect(Base64URL.decode("Zh") == nil)
        #expect(Base64URL.decode("Zm9") == nil)
    }

    @Test func base64URLRoundTripsEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...67 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(text.utf8.count == (length * 4 + 2) / 3)
            #expect(Base64URL.decode(text) == bytes)
        }
    }

    // MARK: ES256

    @Test func signedTokensDecodeVerifyAndValidate() throws {
        let key = P256.Signing.PrivateKey()
        let token = JSONWebToken.sign(claims: claims(), key: key, kid: "k1")
        let decoded = try JSONWebToken.decode(token)
        #expect(decoded.header == ["alg": "ES256", "kid": "k1", "typ": "JWT"])
        #expect(decoded.header.keys == ["alg", "kid", "typ"])
        #expect(decoded.claims == claims())
        #expect(decoded.signature.count == 64)
        let parts = token.split(separator: ".")
        #expect(decoded.signingInput == Array("\(parts[0]).\(parts[1])".utf8))
        #expect(decoded.algorithm == "ES256" && decoded.keyID == "k1")
        try decoded.verify(with: keySet(key, kid: "k1"))
        try decoded.validate(issuer: issuer, audiences: ["api"], now: now)
    }

    @Test func publishedJWKIsAnECPublicKey() throws {
        let key = P256.Signing.PrivateKey()
        let jwk = JSONWebKey.jwk(for: key.publicKey, kid: "k1")
        #expect(jwk["kty"] == "EC" && jwk["crv"] == "P-256" && jwk["alg"] == "ES256" && jwk["use"] == "sig" && jwk["kid"] == "k1")
        #expect(jwk["d"] == nil)
        #expect(jwk["x"]?.stringValue.flatMap { Base64URL.decode($0) }?.count == 32)
        let parsed = try JSONWebKey(json: jwk)
        #expect(parsed.kid == "k1" && parsed.alg == "ES256")
        guard case .p256(let publicKey) = parsed.material else { Issue.record("not a P-256 key"); return }
        #expect(publicKey.rawRepresentation == key.publicKey.rawRepresentation)
        // The thumbprint is a stable, URL-safe SHA-256 (43 characters).
        #expect(JSONWebKey.thumbprint(of: key.publicKey) == JSONWebKey.thumbprint(of: parsed.p256Key!))
        #expect(JSONWebKey.thumbprint(of: key.publicKey).utf8.count == 43)
    }

    @Test func rfc7515ES256ExampleVerifies() throws {
        // RFC 7515 Appendix A.3: a JWS made elsewhere, with a fixed r || s signature.
        let token = try JSONWebToken.decode(
            "eyJhbGciOiJFUzI1NiJ9"
                + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q")
        #expect(token.claims == ["iss": "joe", "exp": 1_300_819_380, "http://example.com/is_root": true])
        let keys = try JSONWebKeySet(json: ["keys": [[
            "kty": "EC", "crv": "P-256",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        ]]])
        try token.verify(with: keys)
        // It names no audience, so no audience set accepts it.
        #expect(throws: TokenError.wrongAudience) {
            try token.validate(issuer: "joe", audiences: ["any"], now: Date(timeIntervalSince1970: 1_300_819_000))
        }
    }

    @Test func tamperedTokensFailVerification() throws {
        let key = P256.Signing.PrivateKey()
        let keys = try keySet(key, kid: "k1")
        let parts = JSONWebToken.sign(claims: claims(), key: key, kid: "k1").split(separator: ".").map(String.init)

        let forgedPayload = Base64URL.encode(JSON.object(claims(["sub": "system:admin"])).serialized())
        let forged = try JSONWebToken.decode([parts[0], forgedPayload, parts[2]].joined(separator: "."))
        #expect(throws: TokenError.badSignature) { try forged.verify(with: keys) }

        var signature = try #require(Base64URL.decode(parts[2]))
        signature[10] ^= 0x01
        let flipped = try JSONWebToken.decode([parts[0], parts[1], Base64URL.encode(signature)].joined(separator: "."))
        #expect(throws: TokenError.badSignature) { try flipped.verify(with: keys) }

        // A DER-encoded signature is not the JWS form.
        let der = try key.signature(for: Array((parts[0] + "." + parts[1]).utf8)).derRepresentation
        let derToken = try JSONWebToken.decode([parts[0], parts[1], Base64URL.encode(der)].joined(separator: "."))
        #expect(throws: TokenError.badSignature) { try derToken.verify(with: keys) }
    }

    @Test func keysAreChosenByKeyID() throws {
        let key = P256.Signing.PrivateKey(), other = P256.Signing.PrivateKey()
        let token = try JSONWebToken.decode(JSONWebToken.sign(claims: claims(), key: key, kid: "k1"))
        // Another key under the token's kid does not verify it; an unknown kid is reported as such.
        #expect(throws: TokenError.badSignature) { try token.verify(with: keySet(other, kid: "k1")) }
        #expect(throws: TokenError.unknownKeyID("k1")) { try token.verify(with: keySet(key, kid: "k2")) }
        #expect(throws: TokenError.unknownKeyID("k1")) { try token.verify(with: JSONWebKeySet(keys: [])) }
        // Among several keys, the one with the kid verifies.
        let both = JSONWebKeySet(keys: [JSONWebKey(.p256(other.publicKey), kid: "k0"), JSONWebKey(.p256(key.publicKey), kid: "k1")])
        try token.verify(with: both)
        // Without a kid, every key is tried.
        let unnamed = compactES256(claims: claims(), key: key, header: ["alg": "ES256"])
        try JSONWebToken.decode(unnamed).verify(with: JSONWebKeySet(keys: [JSONWebKey(.p256(other.publicKey)), JSONWebKey(.p256(key.publicKey))]))
        #expect(throws: TokenError.unknownKeyID(nil)) { try JSONWebToken.decode(unnamed).verify(with: JSONWebKeySet(keys: [])) }
    }

    /// An ES256 token with an arbitrary header.
    func compactES256(claims: JSONObject, key: P256.Signing.PrivateKey, header: JSON) -> String {
        let input = Base64URL.encode(header.serialized()) + "." + Base64URL.encode(JSON.object(claims).serialized())
        let signature = try? key.signature(for: Array(input.utf8)).rawRepresentation
        return input + "." + Base64URL.encode(signature ?? Data())
    }

    // MARK: decoding

    @Test func malformedTokensAreRejected() {
        let header: JSON = ["alg": "ES256"]
        let payload: JSON = ["iss": "x"]
        let good = compact(header, payload)
        for bad in ["", "a.b", "a.b.c.d", good + ".", "." + good, "*" + good, good + "*"] {
            #expect(throws: TokenError.self, "\(bad)") { try JSONWebToken.decode(bad) }
        }
        // Header and payload must be JSON objects.
        #expect(throws: TokenError.self) { try JSONWebToken.decode(compact("ES256", payload)) }
        #expect(throws: TokenError.self) { try JSONWebToken.decode(compact(header, ["a", "b"])) }
        let notJSON = Base64URL.encode(Array("{nope".utf8))
        #expect(throws: TokenError.self) { try JSONWebToken.decode(Base64URL.encode(header.serialized()) + "." + notJSON + ".AQID") }
        // alg must be a string; kid, if any, too; crit extensions are not understood; the signature is not empty.
        #expect(throws: TokenError.self) { try JSONWebToken.decode(compact([:], payload)) }
        #expect(throws: TokenError.self) { try JSONWebToken.decode(compact(["alg": 256], payload)) }
        #expect(throws: TokenError.self) { try JSONWebToken.decode(compact(["alg": "ES256", "kid": 1], payload)) }
        #expect(throws: TokenError.self) { try JSONWebToken.decode(compact(["alg": "ES256", "crit": ["exp"], "exp": 1], payload)) }
        #expect(throws: TokenError.self) { try JSONWebToken.decode(compact(header, payload, signature: [])) }
        #expect(throws: Never.self) { try JSONWebToken.decode(good) }
    }

    @Test func unsignedAndUnsupportedAlgorithmsAreRefused() throws {
        let payload = JSON.object(claims())
        #expect(throws: TokenError.unsupportedAlgorithm("none")) { try JSONWebToken.decode(compact(["alg": "none"], payload)) }
        #expect(throws: TokenError.unsupportedAlgorithm("NoNe")) { try JSONWebToken.decode(compact(["alg": "NoNe"], payload)) }
        let none: JSON = ["alg": "none"]
        let unsigned = Base64URL.encode(none.serialized()) + "." + Base64URL.encode(payload.serialized()) + "."
        #expect(throws: TokenError.unsupportedAlgorithm("none")) { try JSONWebToken.decode(unsigned) }
        // HS256 with the public key as the HMAC secret is the classic confusion attack: refused before any key is used.
        let key = P256.Signing.PrivateKey()
        let hs = try JSONWebToken.decode(compact(["alg": "HS256", "kid": "k1"], payload))
        #expect(throws: TokenError.unsupportedAlgorithm("HS256")) { try hs.verify(with: keySet(key, kid: "k1")) }
    }

    // MARK: claims

    @Test func timeClaimsAreCheckedWithLeeway() throws {
        let key = P256.Signing.PrivateKey()
        func check(_ extra: JSONObject, at seconds: Double, leeway: TimeInterval = 60) throws {
            let token = try JSONWebToken.decode(JSONWebToken.sign(claims: claims(extra), key: key, kid: "k"))
            try token.validate(issuer: issuer, audiences: ["api"], now: Date(timeIntervalSince1970: seconds), leeway: leeway)
        }
        let exp = 1_800_003_600.0
        try check([:], at: exp - 1)
        try check([:], at: exp + 59)
        #expect(throws: TokenError.expired) { try check([:], at: exp + 60) }
        #expect(throws: TokenError.expired) { try check([:], at: exp, leeway: 0) }
        #expect(throws: TokenError.expired) { try check([:], at: exp + 3600) }
        // Fractional NumericDates are allowed.
        try check(["exp": 1_800_000_000.5], at: 1_800_000_000.25, leeway: 0)

        try check(["nbf": 1_800_000_060], at: 1_800_000_000)
        #expect(throws: TokenError.notYetValid) { try check(["nbf": 1_800_000_061], at: 1_800_000_000) }
        #expect(throws: TokenError.notYetValid) { try check(["nbf": 1_800_000_001], at: 1_800_000_000, leeway: 0) }
        #expect(throws: TokenError.notYetValid) { try check(["iat": 1_800_000_500], at: 1_800_000_000) }
        // nbf and iat are optional; exp is not.
        var noTimes = claims()
        noTimes["nbf"] = nil
        noTimes["iat"] = nil
        try JSONWebToken.decode(JSONWebToken.sign(claims: noTimes, key: key, kid: "k")).validate(issuer: issuer, audiences: ["api"], now: now)
        noTimes["exp"] = nil
        #expect(throws: TokenError.missingClaim("exp")) {
            try JSONWebToken.decode(JSONWebToken.sign(claims: noTimes, key: key, kid: "k")).validate(issuer: issuer, audiences: ["api"], now: now)
        }
        #expect(throws: TokenError.malformed("\"exp\" is not a number")) { try check(["exp": "tomorrow"], at: 1_800_000_000) }
        #expect(throws: TokenError.malformed("\"nbf\" is not a number")) { try check(["nbf": "soon"], at: 1_800_000_000) }
        // null reads as absent, as in Go.
        try check(["nbf": nil, "iat": nil], at: 1_800_000_000)
        #expect(throws: TokenError.missingClaim("exp")) { try check(["exp": nil], at: 1_800_000_000) }
    }

    @Test func issuerAndAudienceMustMatch() throws {
        let key = P256.Signing.PrivateKey()
        func validate(_ extra: JSONObject, audiences: Set<String> = ["api"]) throws {
            let token = try JSONWebToken.decode(JSONWebToken.sign(claims: claims(extra), key: key, kid: "k"))
            try token.validate(issuer: issuer, audiences: audiences, now: now)
        }
        #expect(throws: TokenError.wrongIssuer("https://evil.example")) { try validate(["iss": "https://evil.example"]) }
        #expect(throws: TokenError.wrongIssuer(nil)) { try validate(["iss": nil]) }
        #expect(throws: TokenError.wrongIssuer(nil)) { try validate(["iss": 7]) }

        try validate(["aud": "api"])
        try validate(["aud": ["other", "api"]])
        try validate(["aud": ["other"]], audiences: ["api", "other"])
        #expect(throws: TokenError.wrongAudience) { try validate(["aud": "other"]) }
        #expect(throws: TokenError.wrongAudience) { try validate(["aud": ["other", "more"]]) }
        #expect(throws: TokenError.wrongAudience) { try validate(["aud": []]) }
        #expect(throws: TokenError.wrongAudience) { try validate(["aud": nil]) }
        #expect(throws: TokenError.wrongAudience) { try validate([:], audiences: []) }
        #expect(throws: TokenError.self) { try validate(["aud": ["api", 1]]) }
        #expect(throws: TokenError.self) { try validate(["aud": ["api": true]]) }
    }

    // MARK: RS256 and JWK sets

    @Test func rs256TokensVerifyAgainstAJWKSet() throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try rsa.publicKey.getKeyPrimitives()
        let ec = P256.Signing.PrivateKey()
        let jwks: JSON = ["keys": [
            // Skipped: other key types and curves, encryption keys.
            ["kty": "oct", "k": "c2VjcmV0", "kid": "hmac"],
            ["kty": "EC", "crv": "P-384", "kid": "p384", "x": "AA", "y": "AA"],
            ["kty": "RSA", "use": "enc", "kid": "enc", "n": .string(Base64URL.encode(primitives.modulus)), "e": "AQAB"],
            ["kty": "RSA", "key_ops": ["encrypt"], "kid": "ops", "n": .string(Base64URL.encode(primitives.modulus)), "e": "AQAB"],
            ["kty": "RSA", "use": "sig", "alg": "RS256", "kid": "rsa-1",
             "n": .string(Base64URL.encode(primitives.modulus)), "e": .string(Base64URL.encode(primitives.publicExponent))],
            JSONWebKey.jwk(for: ec.publicKey, kid: "ec-1"),
        ]]
        let keys = try JSONWebKeySet(json: jwks)
        #expect(keys.keys.map(\.kid) == ["rsa-1", "ec-1"])

        let header: JSON = ["alg": "RS256", "kid": "rsa-1", "typ": "JWT"]
        let input = Base64URL.encode(header.serialized()) + "." + Base64URL.encode(JSON.object(claims()).serialized())
        let signature = try rsa.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        let token = try JSONWebToken.decode(input + "." + Base64URL.encode(signature.rawRepresentation))
        try token.verify(with: keys)
        try token.validate(issuer: issuer, audiences: ["api"], now: now)

        // PSS is not RS256.
        let pss = try rsa.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .PSS)
        #expect(throws: TokenError.badSignature) {
            try JSONWebToken.decode(input + "." + Base64URL.encode(pss.rawRepresentation)).verify(with: keys)
        }
        // A key is only used for its own algorithm: an ES256 token naming the RSA key, and an RS256 token naming the EC key, fail.
        let esUnderRSAKid = compactES256(claims: claims(), key: ec, header: ["alg": "ES256", "kid": "rsa-1"])
        #expect(throws: TokenError.badSignature) { try JSONWebToken.decode(esUnderRSAKid).verify(with: keys) }
        let rsUnderECHeader: JSON = ["alg": "RS256", "kid": "ec-1"]
        let rsInput = Base64URL.encode(rsUnderECHeader.serialized()) + "." + Base64URL.encode(JSON.object(claims()).serialized())
        let rsSignature = try rsa.signature(for: SHA256.hash(data: Array(rsInput.utf8)), padding: .insecurePKCS1v1_5)
        #expect(throws: TokenError.badSignature) {
            try JSONWebToken.decode(rsInput + "." + Base64URL.encode(rsSignature.rawRepresentation)).verify(with: keys)
        }
    }

    @Test func rfc7515RS256ExampleVerifies() throws {
        // RFC 7515 Appendix A.2.
        let n = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs"
            + "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV"
            + "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
        let keys = try JSONWebKeySet(json: ["keys": [["kty": "RSA", "n": .string(n), "e": "AQAB"]]])
        let token = try JSONWebToken.decode(
            "eyJhbGciOiJSUzI1NiJ9"
                + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw")
        try token.verify(with: keys)
    }

    @Test func brokenAndUnsupportedKeys() throws {
        let ec = P256.Signing.PrivateKey()
        var jwk = JSONWebKey.jwk(for: ec.publicKey, kid: "k")
        // Short coordinates (leading zeros dropped) and points off the curve are malformed, and fail the whole set.
        var short = jwk
        short["x"] = .string(Base64URL.encode([UInt8](repeating: 1, count: 31)))
        #expect(throws: JSONWebKey.ParseError.self) { try JSONWebKey(json: short) }
        var offCurve = jwk
        offCurve["y"] = .string(Base64URL.encode([UInt8](repeating: 1, count: 32)))
        #expect(throws: JSONWebKey.ParseError.malformed("point is not on P-256")) { try JSONWebKey(json: offCurve) }
        #expect(throws: JSONWebKey.ParseError.self) { try JSONWebKeySet(json: ["keys": [offCurve]]) }
        var notBase64 = jwk
        notBase64["x"] = "not base64!"
        #expect(throws: JSONWebKey.ParseError.self) { try JSONWebKey(json: notBase64) }
        #expect(throws: JSONWebKey.ParseError.self) { try JSONWebKey(json: "EC") }
        #expect(throws: JSONWebKey.ParseError.self) { try JSONWebKeySet(json: ["keys": "none"]) }
        #expect(throws: JSONWebKey.ParseError.self) { try JSONWebKeySet(json: [:]) }
        #expect(throws: JSONWebKey.ParseError.self) { try JSONWebKey(json: ["kty": "RSA", "n": "", "e": "AQAB"]) }
        // A key may pin its algorithm; one pinned to another algorithm is unsupported.
        jwk["alg"] = "ES384"
        #expect(throws: JSONWebKey.ParseError.self) { try JSONWebKey(json: jwk) }
        #expect(try JSONWebKeySet(json: ["keys": [jwk]]).keys.isEmpty)

        // RSA keys under 2048 bits are skipped (`init(n:e:)` itself would accept them).
        let small = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024)).publicKey.getKeyPrimitives()
        let smallJWK: JSON = ["kty": "RSA", "n": .string(Base64URL.encode(small.modulus)), "e": .string(Base64URL.encode(small.publicExponent))]
        #expect(throws: JSONWebKey.ParseError.self) { try JSONWebKey(json: smallJWK) }
        #expect(try JSONWebKeySet(json: ["keys": [smallJWK]]).keys.isEmpty)
    }
}

extension JSONWebKey {
    /// The P-256 key, for assertions.
    fileprivate var p256Key: P256.Signing.PublicKey? {
        if case .p256(let k) = material { return k }
        return nil
    }
}
