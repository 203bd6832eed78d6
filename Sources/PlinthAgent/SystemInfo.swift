import Foundation

/// Facts about the machine for the Node's `nodeInfo` and default capacity, read from the
/// places the kubelet reads them (`/etc/machine-id`, `/proc`, `uname`, `/etc/os-release`).
public struct SystemInfo: Sendable {
    public var machineID: String
    public var bootID: String
    public var kernelVersion: String
    public var osImage: String
    public var architecture: String
    public var cpus: Int
    /// `MemTotal` in KiB.
    public var memoryKiB: Int64

    public static func current() -> SystemInfo {
        func read(_ path: String) -> String {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var u = utsname()
        uname(&u)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let machine = field(u.machine)
        let os = read("/etc/os-release").split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { String($0.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? "Linux"
        let memLine = read("/proc/meminfo").split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
        let memKiB = memLine.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int64($0) } } ?? 0
        return SystemInfo(machineID: read("/etc/machine-id"), bootID: read("/proc/sys/kernel/random/boot_id"),
                          kernelVersion: field(u.release), osImage: os,
                          architecture: machine == "x86_64" ? "amd64" : machine == "aarch64" ? "arm64" : machine,
                          cpus: ProcessInfo.processInfo.activeProcessorCount, memoryKiB: memKiB)
    }
}
