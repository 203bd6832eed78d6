import Crypto
import Foundation
import SwiftASN1
import X509

/// The control plane's secrets in its data directory: a CA, a serving certificate signed by it,
/// a token-signing key and the admin token. Generated on first start and reused afterwards.
public struct ServerCredentials: Sendable {
    public var caCertificatePEM: String
    public var servingCertificatePEM: String
    public var servingKeyPEM: String
    public var adminToken: String
    public var tokenSigningKeyPEM: String
    /// The client certificate the server presents to host agents (upstream's
    /// `--kubelet-client-certificate`), signed by the CA the agents trust.
    public var agentClientCertificatePEM: String
    public var agentClientKeyPEM: String

    /// Loads the credentials under `directory`, creating what is missing. `hosts` are the names
    /// and IP addresses the serving certificate must cover (loopback is always included).
    public static func loadOrCreate(in directory: String, hosts: [String]) throws -> ServerCredentials {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        func path(_ name: String) -> String { directory + "/" + name }
        func read(_ name: String) -> String? { try? String(contentsOfFile: path(name), encoding: .utf8) }
        func write(_ name: String, _ content: String, mode: Int = 0o600) throws {
            let tmp = path(name) + ".tmp"
            try content.write(toFile: tmp, atomically: false, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: mode], ofItemAtPath: tmp)
            if fm.fileExists(atPath: path(name)) { try fm.removeItem(atPath: path(name)) }
            try fm.moveItem(atPath: tmp, toPath: path(name))
        }

        let caKey: P256.Signing.PrivateKey
        let caCertPEM: String
        if let k = read("ca.key"), let c = read("ca.crt") {
            caKey = try P256.Signing.PrivateKey(pemRepresentation: k)
            caCertPEM = c
        } else {
            caKey = P256.Signing.PrivateKey()
            caCertPEM = try makeCA(key: caKey).serializeAsPEM().pemString
            try write("ca.key", caKey.pemRepresentation)
            try write("ca.crt", caCertPEM, mode: 0o644)
        }
        let caCert = try Certificate(pemEncoded: caCertPEM)

        let wantedHosts = Set(hosts + ["127.0.0.1", "localhost", "::1"])
        var servingCertPEM = read("server.crt")
        var servingKeyPEM = read("server.key")
        if let pem = servingCertPEM, let cert = try? Certificate(pemEncoded: pem) {
            // Regenerate when the certificate does not cover every requested host.
            let sans = (try? cert.extensions.subjectAlternativeNames) ?? nil
            let covered = Set((sans ?? SubjectAlternativeNames()).compactMap { name -> String? in
                switch name {
                case .dnsName(let d): return d
                case .ipAddress(let ip): return ipString(ip.bytes)
                default: return nil
                }
            })
            if !wantedHosts.isSubset(of: covered) { servingCertPEM = nil }
        }
        if servingCertPEM == nil || servingKeyPEM == nil {
            let key = P256.Signing.PrivateKey()
            let cert = try makeServing(key: key, hosts: Array(wantedHosts).sorted(), caKey: caKey, ca: caCert)
            servingCertPEM = try cert.serializeAsPEM().pemString
            servingKeyPEM = key.pemRepresentation
            try write("server.key", servingKeyPEM!)
            try write("server.crt", servingCertPEM!, mode: 0o644)
        }

        var clientCertPEM = read("agent-client.crt"), clientKeyPEM = read("agent-client.key")
        if clientCertPEM == nil || clientKeyPEM == nil {
            let key = P256.Signing.PrivateKey()
            clientCertPEM = try makeAgentClient(key: key, caKey: caKey, ca: caCert).serializeAsPEM().pemString
            clientKeyPEM = key.pemRepresentation
            try write("agent-client.key", clientKeyPEM!)
            try write("agent-client.crt", clientCertPEM!, mode: 0o644)
        }

        let tokenKeyPEM: String
        if let k = read("token-signing.key") {
            tokenKeyPEM = k
        } else {
            tokenKeyPEM = P256.Signing.PrivateKey().pemRepresentation
            try write("token-signing.key", tokenKeyPEM)
        }

        let adminToken: String
        if let t = read("admin.token")?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty {
            adminToken = t
        } else {
            var bytes = [UInt8](repeating: 0, count: 32)
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
            adminToken = "plinth-admin." + bytes.map { String(format: "%02x", $0) }.joined()
            try write("admin.token", adminToken + "\n")
        }
        return ServerCredentials(caCertificatePEM: caCertPEM, servingCertificatePEM: servingCertPEM!,
                                 servingKeyPEM: servingKeyPEM!, adminToken: adminToken, tokenSigningKeyPEM: tokenKeyPEM,
                                 agentClientCertificatePEM: clientCertPEM!, agentClientKeyPEM: clientKeyPEM!)
    }

    static func ipString(_ bytes: ArraySlice<UInt8>) -> String? {
        let b = Array(bytes)
        if b.count == 4 { return b.map(String.init).joined(separator: ".") }
        if b.count == 16 {
            if b == [UInt8](repeating: 0, count: 15) + [1] { return "::1" }
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }.joined(separator: ":")
        }
        return nil
    }

    static func ipBytes(_ s: String) -> [UInt8]? {
        if s == "::1" { return [UInt8](repeating: 0, count: 15) + [1] }
        let parts = s.split(separator: ".")
        guard parts.count == 4 else { return nil }
        let b = parts.compactMap { UInt8($0) }
        return b.count == 4 ? b : nil
    }

    static func makeCA(key: P256.Signing.PrivateKey) throws -> Certificate {
        let name = try DistinguishedName { CommonName("plinth-ca") }
        let now = Date()
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key))
    }

    static func makeServing(key: P256.Signing.PrivateKey, hosts: [String], caKey: P256.Signing.PrivateKey, ca: Certificate) throws -> Certificate {
        let names: [GeneralName] = hosts.map { h in
            if let ip = ipBytes(h) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(ip))) }
            return .dnsName(h)
        }
        let now = Date()
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(2 * 365 * 86400),
            issuer: ca.subject, subject: try DistinguishedName { CommonName("plinth-apiserver") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(caKey))
    }

    static func makeAgentClient(key: P256.Signing.PrivateKey, caKey: P256.Signing.PrivateKey, ca: Certificate) throws -> Certificate {
        let now = Date()
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(2 * 365 * 86400),
            issuer: ca.subject,
            subject: try DistinguishedName {
                OrganizationName("system:masters")
                CommonName("plinth-apiserver-agent-client")
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.clientAuth])
            },
            issuerPrivateKey: .init(caKey))
    }
}
