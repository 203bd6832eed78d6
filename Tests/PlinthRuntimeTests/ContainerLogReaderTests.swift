import Foundation
import PlinthRuntime
import Testing

/// Reading CRI log files as the kubelet serves them: partial lines joined, tail, since,
/// timestamps, byte limits, and following a file until its run ends.
@Suite("container log reader")
struct ContainerLogReaderTests {
    final class Collected: @unchecked Sendable {
        var text = ""
    }

    func file(_ lines: [String]) throws -> ContainerLogFile {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-log-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try (lines.map { $0 + "\n" }.joined()).write(toFile: dir + "/0.log", atomically: true, encoding: .utf8)
        return ContainerLogFile(path: dir + "/0.log", exitMarker: dir + "/exit")
    }

    func read(_ f: ContainerLogFile, _ options: ContainerLogOptions) async throws -> String {
        let out = Collected()
        try await ContainerLogReader(file: f, options: options).stream { out.text += $0 }
        return out.text
    }

    static let sample = [
        "2026-11-22T08:00:00.100000000Z stdout F one",
        "2026-11-22T08:00:01.000000000Z stdout P tw",
        "2026-11-22T08:00:01.500000000Z stdout F o",
        "2026-11-22T08:00:02.000000000Z stderr F three",
        "not a CRI line",
        "2026-11-22T08:00:03.000000000Z stdout F ",
    ]

    @Test func joinsPartialLinesAndSkipsWhatIsNotCRI() async throws {
        let f = try file(Self.sample)
        #expect(try await read(f, ContainerLogOptions()) == "one\ntwo\nthree\n\n")
        #expect(try await read(f, ContainerLogOptions(timestamps: true)).hasPrefix("2026-11-22T08:00:00.100000000Z one\n2026-11-22T08:00:01.000000000Z two\n"))
    }

    @Test func tailSinceAndLimit() async throws {
        let f = try file(Self.sample)
        #expect(try await read(f, ContainerLogOptions(tailLines: 2)) == "three\n\n")
        #expect(try await read(f, ContainerLogOptions(tailLines: 0)) == "")
        // 08:00:01.5 UTC: the partial line that started earlier is cut, the rest follows.
        let since = Double(1_795_334_401) + 0.5
        #expect(try await read(f, ContainerLogOptions(since: since)) == "o\nthree\n\n")
        #expect(try await read(f, ContainerLogOptions(limitBytes: 6)) == "one\ntw")
    }

    @Test func followsUntilTheRunEnds() async throws {
        let f = try file(["2026-11-22T08:00:00Z stdout F first"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: .milliseconds(300))
                let h = try #require(FileHandle(forWritingAtPath: f.path))
                h.seekToEndOfFile()
                h.write(Data("2026-11-22T08:00:01Z stdout F second\n".utf8))
                try h.close()
                try await Task.sleep(for: .milliseconds(300))
                FileManager.default.createFile(atPath: f.exitMarker, contents: Data())
            }
            #expect(try await read(f, ContainerLogOptions(follow: true)) == "first\nsecond\n")
            try await group.waitForAll()
        }
    }
}
