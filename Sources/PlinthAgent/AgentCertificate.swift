import Crypto
import Foundation
import SwiftASN1
import X509

/// The agent's self-signed serving certificate for its HTTPS endpoint, kept in its data
/// directory and made again when it does not cover the host's address. Like the kubelet's
/// default, it is not signed by the cluster CA; the API server authenticates itself to the
/// agent with a client certificate that is.
struct AgentCertificate {
    let certificatePEM: String
    let keyPEM: String

    static func loadOrCreate(directory: String, nodeName: String, address: String) throws -> AgentCertificate {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let certPath = directory + "/agent.crt", keyPath = directory + "/agent.key", forPath = directory + "/agent.for"
        let wanted = nodeName + " " + address
        if let cert = try? String(contentsOfFile: certPath, encoding: .utf8), let key = try? String(contentsOfFile: keyPath, encoding: .utf8),
           (try? String(contentsOfFile: forPath, encoding: .utf8)) == wanted {
            return AgentCertificate(certificatePEM: cert, keyPEM: key)
        }
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("\(nodeName)@plinth-agent") }
        var names: [GeneralName] = [.dnsName(nodeName)]
        let octets = address.split(separator: ".").compactMap { UInt8($0) }
        if octets.count == 4 { names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets)))) } else { names.append(.dnsName(address)) }
        let now = Date()
        let cert = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(key))
        let result = AgentCertificate(certificatePEM: try cert.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
        try result.keyPEM.write(toFile: keyPath, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
        try result.certificatePEM.write(toFile: certPath, atomically: true, encoding: .utf8)
        try wanted.write(toFile: forPath, atomically: true, encoding: .utf8)
        return result
    }
}
