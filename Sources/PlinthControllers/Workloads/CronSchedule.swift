import Foundation

/// A cron schedule as CronJobs write it (the standard five fields — minute, hour, day of
/// month, month, day of week — with lists, ranges, steps, `*`/`?`, month and weekday names, and
/// the `@hourly`… macros), and the times it fires in a time zone. Like upstream's parser, when
/// both day fields are restricted a day matching either fires.
public struct CronSchedule: Sendable, Equatable {
    var minutes: Set<Int>
    var hours: Set<Int>
    var days: Set<Int>
    var months: Set<Int>
    var weekdays: Set<Int>
    var daysStarred: Bool
    var weekdaysStarred: Bool

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    static let macros = ["@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
                         "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"]
    static let monthNames = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
    static let dayNames = ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]

    public init(_ text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expanded = Self.macros[trimmed.lowercased()] ?? trimmed
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else { throw ParseError(description: "expected exactly 5 fields, found \(fields.count): [\(fields.joined(separator: " "))]") }
        minutes = try Self.field(fields[0], 0, 59, names: [:])
        hours = try Self.field(fields[1], 0, 23, names: [:])
        days = try Self.field(fields[2], 1, 31, names: [:])
        months = try Self.field(fields[3], 1, 12, names: Self.monthNames)
        var dows = try Self.field(fields[4], 0, 7, names: Self.dayNames)
        if dows.contains(7) { dows.remove(7); dows.insert(0) }
        weekdays = dows
        daysStarred = fields[2].hasPrefix("*") || fields[2].hasPrefix("?")
        weekdaysStarred = fields[4].hasPrefix("*") || fields[4].hasPrefix("?")
    }

    static func field(_ text: String, _ low: Int, _ high: Int, names: [String: Int]) throws(ParseError) -> Set<Int> {
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw ParseError(description: "too many slashes: \(part)") }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s > 0 else { throw ParseError(description: "failed to parse int from \(pieces[1])") }
                step = s
            }
            var start = low, end = high
            let range = pieces[0]
            if range != "*" && range != "?" {
                let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2 else { throw ParseError(description: "too many hyphens: \(range)") }
                func value(_ s: Substring) throws(ParseError) -> Int {
                    if let n = names[s.lowercased()] { return n }
                    guard let n = Int(s) else { throw ParseError(description: "failed to parse int from \(s)") }
                    return n
                }
                start = try value(bounds[0])
                end = bounds.count == 2 ? try value(bounds[1]) : (pieces.count == 2 ? high : start)
            }
            guard start >= low else { throw ParseError(description: "beginning of range (\(start)) below minimum (\(low)): \(part)") }
            guard end <= high else { throw ParseError(description: "end of range (\(end)) above maximum (\(high)): \(part)") }
            guard start <= end else { throw ParseError(description: "beginning of range (\(start)) beyond end of range (\(end)): \(part)") }
            values.formUnion(stride(from: start, through: end, by: step))
        }
        return values
    }

    func dayMatches(_ c: DateComponents) -> Bool {
        let dom = days.contains(c.day ?? 0), dow = weekdays.contains((c.weekday ?? 1) - 1)
        return daysStarred || weekdaysStarred ? dom && dow : dom || dow
    }

    /// The first time after `date` the schedule fires, in `zone`; nil if none within five years.
    public func next(after date: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = date.addingTimeInterval(60 - date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60))
        var t = calendar.date(bySetting: .second, value: 0, of: start) ?? start
        let limit = date.addingTimeInterval(5 * 366 * 86400)
        while t < limit {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: t)
            if !months.contains(c.month ?? 0) {
                let firstOfMonth = calendar.date(from: DateComponents(year: c.year, month: c.month, day: 1)) ?? t
                t = calendar.date(byAdding: .month, value: 1, to: firstOfMonth) ?? limit
                continue
            }
            if !dayMatches(c) {
                t = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: t)) ?? limit
                continue
            }
            if !hours.contains(c.hour ?? 0) {
                // Forward to the next hour by elapsed time: rebuilding the hour from its
                // components would land on the first of a repeated hour when clocks go back,
                // and never leave it.
                t = t.addingTimeInterval(Double(60 - (c.minute ?? 0)) * 60)
                continue
            }
            if !minutes.contains(c.minute ?? 0) {
                t = t.addingTimeInterval(60)
                continue
            }
            return t
        }
        return nil
    }
}
