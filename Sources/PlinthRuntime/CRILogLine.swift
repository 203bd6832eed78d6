import PlinthAPIMachinery

/// One line of a CRI-format container log: `<RFC3339Nano time> <stdout|stderr> <F|P> <text>`;
/// `P` marks a piece of a longer line that the next entries continue.
public struct CRILogLine: Sendable, Equatable {
    public var time: Substring
    public var stream: Substring
    public var partial: Bool
    public var content: Substring

    /// Parses one line (without its newline); nil for a line that is not in CRI form.
    public init?(_ line: Substring) {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[2] == "F" || parts[2] == "P" else { return nil }
        time = parts[0]
        stream = parts[1]
        partial = parts[2] == "P"
        content = parts.count == 4 ? parts[3] : ""
    }

    /// The time as Unix seconds with fractions.
    public var seconds: Double? {
        guard let t = RFC3339.parse(String(time)) else { return nil }
        return Double(t.seconds) + Double(t.nanos) / 1e9
    }

    /// What a reader of the log sees of a run of lines ending in a full one: their contents
    /// joined, with a newline, prefixed by the first one's time when asked (as the kubelet does).
    public static func render(_ pieces: [CRILogLine], timestamps: Bool) -> String {
        guard let first = pieces.first else { return "" }
        let text = pieces.map(\.content).joined()
        return (timestamps ? first.time + " " : "") + text + "\n"
    }
}
