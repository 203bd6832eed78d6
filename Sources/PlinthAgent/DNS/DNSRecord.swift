/// One resource record: owner name, type, TTL and data in wire form.
struct DNSRecord: Equatable {
    var name: String
    var type: UInt16
    var ttl: UInt32
    var data: [UInt8]

    static func a(_ name: String, _ address: String, ttl: UInt32) -> DNSRecord? {
        let octets = address.split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4 else { return nil }
        return DNSRecord(name: name, type: DNSMessage.typeA, ttl: ttl, data: octets)
    }

    static func srv(_ name: String, priority: UInt16 = 0, weight: UInt16, port: UInt16, target: String, ttl: UInt32) -> DNSRecord {
        var data: [UInt8] = []
        for v in [priority, weight, port] { DNSMessage.append(v, to: &data) }
        DNSMessage.writeName(target, into: &data)
        return DNSRecord(name: name, type: DNSMessage.typeSRV, ttl: ttl, data: data)
    }

    static func cname(_ name: String, _ target: String, ttl: UInt32) -> DNSRecord {
        var data: [UInt8] = []
        DNSMessage.writeName(target, into: &data)
        return DNSRecord(name: name, type: DNSMessage.typeCNAME, ttl: ttl, data: data)
    }

    /// The zone's start of authority, sent with negative answers so resolvers cache them briefly.
    static func soa(zone: String, serial: UInt32, ttl: UInt32) -> DNSRecord {
        var data: [UInt8] = []
        DNSMessage.writeName("ns.dns." + zone, into: &data)
        DNSMessage.writeName("hostmaster." + zone, into: &data)
        for v in [serial, 7200, 1800, 86400, ttl] { data += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        return DNSRecord(name: zone, type: DNSMessage.typeSOA, ttl: ttl, data: data)
    }

    func write(into out: inout [UInt8]) {
        DNSMessage.writeName(name, into: &out)
        DNSMessage.append(type, to: &out)
        DNSMessage.append(1, to: &out)
        out += [UInt8(ttl >> 24), UInt8(ttl >> 16 & 0xFF), UInt8(ttl >> 8 & 0xFF), UInt8(ttl & 0xFF)]
        DNSMessage.append(UInt16(data.count), to: &out)
        out += data
    }
}
