import Foundation

/// Reads a CRI-format log file the way the kubelet serves `containerLogs`: lines since a time,
/// the last N lines, a byte limit, timestamps on request, and following the file while the run
/// it belongs to has not ended.
public struct ContainerLogReader: Sendable {
    public let file: ContainerLogFile
    public let options: ContainerLogOptions

    public init(file: ContainerLogFile, options: ContainerLogOptions) {
        self.file = file
        self.options = options
    }

    /// Writes the selected log to `write` in chunks; while following, keeps going until the run
    /// has ended and everything it wrote has been sent (or `write` throws: the reader left).
    public func stream(_ write: (String) async throws -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw RuncRuntimeError("log file \(file.path) not found")
        }
        defer { try? handle.close() }
        var budget = options.limitBytes ?? Int.max
        var pending: [CRILogLine] = []  // pieces of a line not yet complete
        var carry = ""                   // bytes after the last newline read so far

        // What is there now: filtered by time, then the tail.
        let initial = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        var lines = complete(initial, carry: &carry)
        var rendered: [String] = []
        for line in lines {
            guard let entry = CRILogLine(line[...]) else { continue }
            if let since = options.since, let t = entry.seconds, t < since { continue }
            pending.append(entry)
            if !entry.partial {
                rendered.append(CRILogLine.render(pending, timestamps: options.timestamps))
                pending = []
            }
        }
        if let tail = options.tailLines { rendered = Array(rendered.suffix(max(0, tail))) }
        if try await emit(rendered.joined(), budget: &budget, write) == false { return }
        guard options.follow else { return }

        while true {
            let ended = FileManager.default.fileExists(atPath: file.exitMarker)
            let more = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
            lines = complete(more, carry: &carry)
            var out = ""
            for line in lines {
                guard let entry = CRILogLine(line[...]) else { continue }
                pending.append(entry)
                if !entry.partial {
                    out += CRILogLine.render(pending, timestamps: options.timestamps)
                    pending = []
                }
            }
            if try await emit(out, budget: &budget, write) == false { return }
            // The exit marker was there before this read: nothing more will come.
            if ended { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The complete lines in `carry + text`; what follows the last newline stays in `carry`.
    func complete(_ text: String, carry: inout String) -> [String] {
        let all = carry + text
        guard let last = all.lastIndex(of: "\n") else { carry = all; return [] }
        carry = String(all[all.index(after: last)...])
        return all[..<last].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Writes `text` within the byte budget; false once the budget is spent.
    func emit(_ text: String, budget: inout Int, _ write: (String) async throws -> Void) async throws -> Bool {
        guard !text.isEmpty else { return budget > 0 }
        let bytes = Array(text.utf8)
        if bytes.count >= budget {
            try await write(String(decoding: bytes.prefix(budget), as: UTF8.self))
            budget = 0
            return false
        }
        budget -= bytes.count
        try await write(text)
        return true
    }
}
