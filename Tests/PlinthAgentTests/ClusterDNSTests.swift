@testable import PlinthAgent
import PlinthJSON
import PlinthRuntime
import Testing

/// The cluster DNS: messages on the wire, the records of the cluster domain, and pods'
/// resolv.conf per dnsPolicy.
@Suite("cluster DNS")
struct ClusterDNSTests {
    func json(_ text: String) throws -> JSON { try JSON.parse(Array(text.utf8)) }

    @Test func queriesParseWithCompressionAndAnswersEncode() throws {
        // A query as dig sends it: id 0xbeef, RD, one question web.ns.svc.cluster.local A IN.
        var query: [UInt8] = [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        DNSMessage.writeName("Web.ns.svc.cluster.local", into: &query)
        query += [0, 1, 0, 1]
        let parsed = try DNSMessage(parsing: query)
        #expect(parsed.id == 0xBEEF && !parsed.isResponse && parsed.questions == [.init(name: "web.ns.svc.cluster.local", type: 1)])
        // A name that points back into the message.
        var offset = 0
        let pointed: [UInt8] = [3, 0x66, 0x6F, 0x6F, 0, 3, 0x62, 0x61, 0x72, 0xC0, 0x00]
        offset = 5
        #expect(try DNSMessage.readName(pointed, at: &offset) == "bar.foo" && offset == 11)
        var loop = 0
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage.readName([0xC0, 0x00], at: &loop) }
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage(parsing: [1, 2, 3]) }

        let answer = DNSMessage.response(to: parsed, code: 0, answers: [DNSRecord.a("web.ns.svc.cluster.local", "10.96.0.20", ttl: 5)!])
        let bytes = answer.encoded()
        #expect(Array(bytes[0..<4]) == [0xBE, 0xEF, 0x85, 0x80], "QR, AA, RD, RA")
        #expect(Array(bytes[6..<8]) == [0, 1] && Array(bytes.suffix(4)) == [10, 96, 0, 20])
        // Too big for UDP: no records, TC set.
        let many = DNSMessage.response(to: parsed, code: 0, answers: (0..<40).map { DNSRecord.a("web.ns.svc.cluster.local", "10.0.0.\($0)", ttl: 5)! })
        let truncated = many.encoded(limit: 512)
        #expect(truncated.count < 512 && truncated[2] & 0x02 != 0 && truncated[7] == 0)
    }

    @Test func recordsOfTheClusterDomain() throws {
        let services = [
            "ns/web": try json(#"{"metadata": {"name": "web", "namespace": "ns"}, "spec": {"clusterIP": "10.96.0.20", "ports": [{"name": "http", "port": 80}]}}"#),
            "ns/db": try json(#"{"metadata": {"name": "db", "namespace": "ns"}, "spec": {"clusterIP": "None", "ports": [{"name": "sql", "port": 5432}]}}"#),
            "ns/ext": try json(#"{"metadata": {"name": "ext", "namespace": "ns"}, "spec": {"type": "ExternalName", "externalName": "db.example.com"}}"#),
        ]
        let slices = [
            "ns/db": [try json(#"{"ports": [{"name": "sql", "port": 5433}], "endpoints": [{"addresses": ["10.244.1.5"], "hostname": "db-0"}, {"addresses": ["10.244.2.6"]}, {"addresses": ["10.244.2.7"], "conditions": {"ready": false}}]}"#)],
        ]
        let lookup = ClusterDNSRecords.Lookup(service: { services[$0 + "/" + $1] }, slices: { slices[$0 + "/" + $1] ?? [] })
        func answer(_ name: String, _ type: UInt16 = DNSMessage.typeA) -> ClusterDNSRecords.Answer {
            ClusterDNSRecords.answer(name: name, type: type, domain: "cluster.local", lookup: lookup)
        }
        func addresses(_ a: ClusterDNSRecords.Answer) -> [String] {
            guard case .records(_, let records) = a else { return ["forward"] }
            return records.filter { $0.type == DNSMessage.typeA }.map { $0.data.map(String.init).joined(separator: ".") }
        }
        #expect(addresses(answer("web.ns.svc.cluster.local")) == ["10.96.0.20"])
        #expect(addresses(answer("db.ns.svc.cluster.local")) == ["10.244.1.5", "10.244.2.6"], "a headless Service: its ready endpoints")
        #expect(addresses(answer("db-0.db.ns.svc.cluster.local")) == ["10.244.1.5"])
        #expect(addresses(answer("10-244-2-6.db.ns.svc.cluster.local")) == ["10.244.2.6"])
        #expect(addresses(answer("10-1-2-3.ns.pod.cluster.local")) == ["10.1.2.3"])
        #expect(answer("nope.ns.svc.cluster.local") == .records(code: DNSMessage.nameError, answers: []))
        #expect(answer("web.ns.svc.cluster.local", DNSMessage.typeAAAA) == .records(code: DNSMessage.noError, answers: []), "NODATA")
        #expect(answer("example.com") == .forward)
        #expect(answer("ext.ns.svc.cluster.local") == .records(code: 0, answers: [.cname("ext.ns.svc.cluster.local", "db.example.com", ttl: 5)]))
        #expect(answer("_http._tcp.web.ns.svc.cluster.local", DNSMessage.typeSRV)
                == .records(code: 0, answers: [.srv("_http._tcp.web.ns.svc.cluster.local", weight: 100, port: 80, target: "web.ns.svc.cluster.local", ttl: 5)]))
        #expect(answer("_sql._tcp.db.ns.svc.cluster.local", DNSMessage.typeSRV) == .records(code: 0, answers: [
            .srv("_sql._tcp.db.ns.svc.cluster.local", weight: 50, port: 5433, target: "db-0.db.ns.svc.cluster.local", ttl: 5),
            .srv("_sql._tcp.db.ns.svc.cluster.local", weight: 50, port: 5433, target: "10-244-2-6.db.ns.svc.cluster.local", ttl: 5),
        ]))
        #expect(answer("_nope._tcp.web.ns.svc.cluster.local", DNSMessage.typeSRV) == .records(code: DNSMessage.nameError, answers: []))
    }

    @Test func resolvConfPerDNSPolicy() throws {
        let host = PodDNSPolicy.parse(resolvConf: "# host\nnameserver 192.0.2.53\nsearch corp.example\noptions edns0\n")
        #expect(host == PodDNSConfig(servers: ["192.0.2.53"], searches: ["corp.example"], options: ["edns0"]))
        let pod = try json(#"{"metadata": {"namespace": "shop"}, "spec": {"dnsConfig": {"nameservers": ["1.1.1.1"], "options": [{"name": "ndots", "value": "2"}, {"name": "single-request"}]}}}"#)
        let cluster = PodDNSPolicy.config(pod: pod, clusterDNS: "10.244.3.1", domain: "cluster.local", host: host)
        #expect(cluster.resolvConf == """
            search shop.svc.cluster.local svc.cluster.local cluster.local corp.example
            nameserver 10.244.3.1
            nameserver 1.1.1.1
            options ndots:2 single-request

            """)
        #expect(PodDNSPolicy.config(pod: pod, clusterDNS: nil, domain: "cluster.local", host: host).servers == ["192.0.2.53", "1.1.1.1"],
                "no cluster DNS: the host's")
        let none = try json(#"{"spec": {"dnsPolicy": "None", "dnsConfig": {"nameservers": ["9.9.9.9"], "searches": ["a.example"]}}}"#)
        #expect(PodDNSPolicy.config(pod: none, clusterDNS: "10.244.3.1", domain: "cluster.local", host: host)
                == PodDNSConfig(servers: ["9.9.9.9"], searches: ["a.example"], options: []))
    }
}
