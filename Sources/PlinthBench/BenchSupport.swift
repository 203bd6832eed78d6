import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL
import PlinthClient
import PlinthJSON
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small helpers of the benchmark: output, formatting, percentiles, /proc and file reading.

func say(_ line: String) {
    print(line)
    fflush(nil)
}

func text(_ buf: ByteBuffer) -> String {
    let s = String(decoding: buf.readableBytesView.prefix(2000), as: UTF8.self)
    return buf.readableBytes > 2000 ? s + "…" : s
}

func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}

func ms(_ d: Duration) -> Double { seconds(d) * 1e3 }

/// Nearest-rank percentile of a sorted array.
func percentile(_ sorted: [Duration], _ q: Double) -> Duration {
    guard !sorted.isEmpty else { return .zero }
    let rank = Int((q * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank - 1, 0), sorted.count - 1)]
}

/// `x` with `decimals` digits after the point (no Foundation).
func fmt(_ x: Double, _ decimals: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let negative = x < 0
    let scaled = (abs(x) * scale).rounded()
    guard scaled < 9e18 else { return "\(x)" }
    let n = UInt64(scaled)
    let p = UInt64(scale)
    var s = String(n / p)
    if decimals > 0 {
        let frac = String(n % p)
        s += "." + String(repeating: "0", count: decimals - frac.count) + frac
    }
    return negative && n != 0 ? "-" + s : s
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}

/// Percent-encodes everything but RFC 3986 unreserved characters (for the continue token).
func percentEncode(_ s: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count * 3)
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.append(b)
        default:
            out.append(UInt8(ascii: "%"))
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// The kB figure of a `Key:   1234 kB` line of /proc/<pid>/status.
func procStatusKB(_ status: [UInt8], _ key: String) -> Int? {
    let text = String(decoding: status, as: UTF8.self)
    for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
        let digits = line.dropFirst(key.count + 1).filter { $0.isNumber }
        return Int(digits)
    }
    return nil
}

/// User plus system CPU time a process has used so far (fields 14 and 15 of /proc/<pid>/stat,
/// in clock ticks of 1/100 s as Linux reports them to user space).
func processCPUTime(_ pid: Int) -> Duration? {
    guard let stat = readFile("/proc/\(pid)/stat") else { return nil }
    let text = String(decoding: stat, as: UTF8.self)
    // The command name (field 2) is in parentheses and may hold spaces; count fields after it.
    guard let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
    return .milliseconds((user + system) * 10)
}
