extension StringProtocol {
    /// The text without leading and trailing ASCII spaces and tabs. Foundation's
    /// `trimmingCharacters(in:)` bridges through NSString, which showed up at several per cent of
    /// CPU on the request path.
    func trimmingASCIIWhitespace() -> Substring {
        let s = self[...]
        var start = s.startIndex
        var end = s.endIndex
        while start < end, s[start] == " " || s[start] == "\t" { start = s.index(after: start) }
        while end > start {
            let before = s.index(before: end)
            if s[before] == " " || s[before] == "\t" { end = before } else { break }
        }
        return Substring(s[start..<end])
    }
}
