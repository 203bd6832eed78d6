import Foundation
import PlinthJSON

/// RFC 3339 timestamps as the printers need them: parsed by hand (no formatter objects on the
/// hot path), compared, and turned into ages.
enum TableTime {
    /// Go's zero `time.Time` (0001-01-01T00:00:00Z), which `metav1.Time` treats as unset.
    static let goZero: Double = -62_135_596_800

    /// Seconds since the Unix epoch, or nil when the text is not an RFC 3339 timestamp.
    static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    static func parse(bytes u: UnsafeBufferPointer<UInt8>) -> Double? {
        // YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)
        guard u.count >= 20 else { return nil }
        func digits(_ at: Int, _ n: Int) -> Int? {
            var v = 0
            for k in at..<(at + n) {
                let c = u[k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard let year = digits(0, 4), u[4] == UInt8(ascii: "-"), let month = digits(5, 2), u[7] == UInt8(ascii: "-"),
              let day = digits(8, 2),
              u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t") || u[10] == UInt8(ascii: " "),
              let hour = digits(11, 2), u[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
              u[16] == UInt8(ascii: ":"), let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var fraction = 0.0
        if u[i] == UInt8(ascii: ".") || u[i] == UInt8(ascii: ",") {
            i += 1
            var scale = 0.1
            let start = i
            while i < u.count, u[i] >= 0x30 && u[i] <= 0x39 {
                fraction += Double(u[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < u.count else { return nil }
        var offset = 0
        switch u[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == u.count, let oh = digits(i + 1, 2), u[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2),
                  oh < 24, om < 60
            else { return nil }
            offset = (oh * 60 + om) * 60
            if u[i] == UInt8(ascii: "-") { offset = -offset }
            i += 6
        default:
            return nil
        }
        guard i == u.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset)
        return secs + fraction
    }

    /// A timestamp field: nil when missing, null, empty, malformed or Go's zero time.
    static func seconds(_ value: JSON?) -> Double? {
        guard let s = value?.stringValue, !s.isEmpty, let t = parse(s), t != goZero else { return nil }
        return t
    }

    /// `translateTimestampSince`: the age of a timestamp, "<unknown>" when unset.
    static func since(_ value: JSON?, now: Date) -> String {
        guard let t = seconds(value) else { return "<unknown>" }
        return since(t, now: now)
    }

    static func since(_ t: Double, now: Date) -> String {
        HumanDuration.format(now.timeIntervalSince1970 - t)
    }

    /// `time.Time.UTC().Format(time.RFC3339)`: whole seconds, "Z".
    static func formatRFC3339(_ t: Double) -> String {
        let whole = Int(t.rounded(.down))
        var days = whole / 86_400
        var rem = whole % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):\(pad(rem % 60, 2))Z"
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
