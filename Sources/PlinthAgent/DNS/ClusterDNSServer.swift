import Foundation
import Logging
import NIOCore
import NIOPosix

/// The cluster DNS of one host (node-local, as NodeLocal DNSCache places it): listens on the pod
/// network's gateway, port 53, over UDP and TCP, answers names of the cluster domain from the
/// host's Service watch (`ClusterDNSRecords`), and forwards every other name to the host's own
/// nameservers. Pods' `resolv.conf` names this address under `dnsPolicy: ClusterFirst`.
struct ClusterDNSServer: Sendable {
    let services: ProxiedServices
    let domain: String
    /// The host's nameservers (from its /etc/resolv.conf) for names outside the cluster.
    let upstream: [String]
    let logger: Logger

    /// Answers over UDP and TCP on `host`:`port` until cancelled.
    func run(host: String, port: Int = 53) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let udp = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                }
            }
        let tcp = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask {
                try await udp.executeThenClose { inbound, outbound in
                    try await withThrowingDiscardingTaskGroup { queries in
                        for try await envelope in inbound {
                            let query = Array(buffer: envelope.data)
                            queries.addTask {
                                guard let reply = await self.reply(to: query, limit: 512) else { return }
                                try? await outbound.write(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: reply)))
                            }
                        }
                    }
                }
            }
            tasks.addTask {
                try await tcp.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { clients in
                        for try await connection in connections {
                            clients.addTask { try? await self.serve(connection) }
                        }
                    }
                }
            }
        }
    }

    /// DNS over TCP: messages with two-byte length prefixes, answered in turn.
    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var pending: [UInt8] = []
            for try await chunk in inbound {
                pending += Array(buffer: chunk)
                while pending.count >= 2 {
                    let length = Int(pending[0]) << 8 | Int(pending[1])
                    guard pending.count >= 2 + length else { break }
                    let query = Array(pending[2..<(2 + length)])
                    pending.removeFirst(2 + length)
                    guard let reply = await reply(to: query, limit: 65535) else { return }
                    try await outbound.write(ByteBuffer(bytes: [UInt8(reply.count >> 8), UInt8(reply.count & 0xFF)] + reply))
                }
            }
        }
    }

    /// The reply to one query: from the cluster's records, from upstream, or an error code;
    /// nil for what is not a query (nothing is sent back).
    func reply(to bytes: [UInt8], limit: Int) async -> [UInt8]? {
        guard let query = try? DNSMessage(parsing: bytes), !query.isResponse else { return nil }
        guard query.opcode == 0, query.questions.count == 1, let question = query.questions.first, question.recordClass == 1 || question.recordClass == 255 else {
            let code = query.opcode == 0 ? DNSMessage.formatError : DNSMessage.notImplemented
            return DNSMessage.response(to: query, code: code, authoritative: false).encoded(limit: limit)
        }
        switch await services.dnsAnswer(name: question.name, type: question.type, domain: domain) {
        case .records(let code, let answers):
            let authority = answers.isEmpty ? [DNSRecord.soa(zone: domain, serial: UInt32(truncatingIfNeeded: await services.generation), ttl: ClusterDNSRecords.ttl)] : []
            return DNSMessage.response(to: query, code: code, answers: answers, authority: authority).encoded(limit: limit)
        case .forward:
            if let answer = await forward(bytes) { return answer }
            return DNSMessage.response(to: query, code: DNSMessage.serverFailure, authoritative: false).encoded(limit: limit)
        }
    }

    /// Asks each upstream nameserver in turn over UDP, waiting 2 s for each; the first answer wins.
    func forward(_ query: [UInt8]) async -> [UInt8]? {
        for server in upstream {
            guard let address = try? SocketAddress(ipAddress: server, port: 53) else { continue }
            do {
                let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .bind(host: address.protocol == .inet6 ? "::" : "0.0.0.0", port: 0) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                        }
                    }
                let answer: [UInt8]? = try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: query)))
                    return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                        group.addTask {
                            for try await envelope in inbound where envelope.remoteAddress == address { return Array(buffer: envelope.data) }
                            return nil
                        }
                        group.addTask {
                            try await Task.sleep(for: .seconds(2))
                            return nil
                        }
                        defer { group.cancelAll() }
                        return try await group.next() ?? nil
                    }
                }
                if let answer { return answer }
            } catch {
                logger.debug("cluster DNS: forwarding to \(server): \(error)")
            }
        }
        return nil
    }
}
