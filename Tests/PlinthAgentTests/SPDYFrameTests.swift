import Testing
@testable import PlinthAgent

@Suite("SPDY frames")
struct SPDYFrameTests {
    /// Two SYN_STREAMs as kubectl opens a port-forward connection's streams, compressed the way
    /// its Go framer does (zlib level 9, SPDY/3's dictionary, one stream sync-flushed per block):
    /// the second block continues the first's zlib stream.
    static let errorStream: [UInt8] = [
        0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3d, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x78, 0xf9,
        0xe3, 0xc6, 0xa7, 0xc2, 0x02, 0x25, 0x3a, 0x70, 0x3a, 0x2b, 0x29, 0x4a, 0x4d, 0xcc, 0x85, 0x16, 0x25, 0xac, 0xa9, 0xa0,
        0x80, 0x86, 0x14, 0xcb, 0x45, 0xe0, 0x1c, 0x60, 0x61, 0x60, 0x61, 0x00, 0xa4, 0x39, 0x8b, 0x20, 0xd1, 0x98, 0x09, 0x4a,
        0xde, 0x8c, 0x06, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
    ]
    static let dataStream: [UInt8] = [
        0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc2, 0xaa,
        0x19, 0x54, 0x0e, 0x25, 0x12, 0xd6, 0x0b, 0x00, 0x00, 0x00, 0xff, 0xff,
    ]

    @Test func readsKubectlsStreamsInPiecesOfAnySize() throws {
        let inflate = SPDYHeaderCompression()
        var reader = SPDYFrameReader()
        var frames: [SPDYFrame] = []
        // A byte at a time: WebSocket messages split frames anywhere.
        for byte in Self.errorStream + Self.dataStream {
            reader.append([byte])
            while let frame = try reader.next(decompressingWith: inflate) { frames.append(frame) }
        }
        #expect(frames == [
            .synStream(streamID: 1, associatedTo: 0, priority: 0, fin: false, unidirectional: false,
                       headers: SPDYHeaders([("streamtype", "error"), ("port", "8080"), ("requestid", "0")])),
            .synStream(streamID: 3, associatedTo: 0, priority: 0, fin: false, unidirectional: false,
                       headers: SPDYHeaders([("streamtype", "data"), ("port", "8080"), ("requestid", "0")])),
        ])
    }

    @Test func writtenFramesReadBackAndNameTheDictionary() throws {
        let deflate = SPDYHeaderCompression(), inflate = SPDYHeaderCompression()
        let sent: [SPDYFrame] = [
            .synReply(streamID: 1, fin: false, headers: SPDYHeaders()),
            .synReply(streamID: 3, fin: false, headers: SPDYHeaders([("x-many", "a\u{0}b")])),
            .data(streamID: 3, fin: false, bytes: Array(repeating: 7, count: 70_000)),
            .data(streamID: 1, fin: true, bytes: []),
            .ping(id: 1),
            .rstStream(streamID: 5, status: .cancel),
            .goAway(lastGoodStreamID: 5, status: 0),
            .windowUpdate(streamID: 3, delta: 65536),
            .settings([.init(flags: 0, id: 7, value: 65536)]),
        ]
        var wire: [UInt8] = []
        for frame in sent { wire += try frame.encoded(with: deflate) }
        // The first header block opens a zlib stream that names SPDY/3's dictionary (Adler-32 e3c6a7c2).
        #expect(Array(wire[12..<18]) == [0x78, wire[13], 0xe3, 0xc6, 0xa7, 0xc2] && wire[13] & 0x20 != 0)
        var reader = SPDYFrameReader()
        var received: [SPDYFrame] = []
        for start in stride(from: 0, to: wire.count, by: 1000) {
            reader.append(wire[start..<min(start + 1000, wire.count)])
            while let frame = try reader.next(decompressingWith: inflate) { received.append(frame) }
        }
        #expect(received == sent)
    }

    @Test func framesWithHeadersNeedTheConnectionsCompression() {
        #expect(throws: SPDYError.self) { try SPDYFrame.synReply(streamID: 1, fin: false, headers: SPDYHeaders()).encoded() }
        #expect((try? SPDYFrame.ping(id: 1).encoded()) == [0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01])
    }

    @Test func otherVersionsAndShortFramesAreErrors() {
        var reader = SPDYFrameReader()
        reader.append([0x80, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00])
        #expect(throws: SPDYError.self) { try reader.next(decompressingWith: SPDYHeaderCompression()) }
        var short = SPDYFrameReader()
        short.append([0x80, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])
        #expect(throws: SPDYError.self) { try short.next(decompressingWith: SPDYHeaderCompression()) }
    }

    @Test func streamsPairByRequestID() {
        var pairs = PortForwardStreamPairs()
        func headers(_ type: String, port: String = "8080", request: String? = "0") -> SPDYHeaders {
            SPDYHeaders([("streamtype", type), ("port", port)] + (request.map { [("requestid", $0)] } ?? []))
        }
        #expect(pairs.add(streamID: 1, headers: headers("error")) == .waiting)
        #expect(pairs.add(streamID: 5, headers: headers("error", request: "1")) == .waiting)
        #expect(pairs.add(streamID: 3, headers: headers("data")) == .complete(.init(requestID: "0", port: 8080, errorStream: 1, dataStream: 3)))
        #expect(pairs.add(streamID: 7, headers: headers("error", request: "1"))
                == .duplicate(errorStream: 5, message: "error processing stream for request 1: error stream already assigned"))
        // Without a requestid the data stream belongs to the error stream just before it.
        #expect(pairs.add(streamID: 9, headers: headers("error", request: nil)) == .waiting)
        #expect(pairs.add(streamID: 11, headers: headers("data", request: nil)) == .complete(.init(requestID: "9", port: 8080, errorStream: 9, dataStream: 11)))
        #expect(pairs.add(streamID: 13, headers: headers("data", port: "0")) == .rejected("invalid port \"0\""))
        #expect(pairs.add(streamID: 15, headers: headers("data", port: "70000")) == .rejected("invalid port \"70000\""))
        #expect(pairs.add(streamID: 17, headers: headers("sideways")) == .rejected("invalid stream type \"sideways\""))
        #expect(pairs.add(streamID: 19, headers: SPDYHeaders([("streamtype", "data")])) == .rejected("\"port\" header is required"))
    }
}
