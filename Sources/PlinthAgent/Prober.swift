import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PlinthRuntime

/// Runs one probe action against a container and says whether it passed, with upstream's
/// failure wording: an exec probe in the container (it passes on exit code 0), a TCP connect or
/// an HTTP GET (it passes on 200–399) to the pod's IP or the probe's `host`.
struct Prober: Sendable {
    let runtime: any PodRuntime
    let http: HTTPClient

    struct Outcome: Sendable, Equatable {
        var success: Bool
        var message: String
    }

    func run(_ spec: ProbeSpec, podUID: String, container: String, podIP: String?) async -> Outcome {
        let timeout = Duration.seconds(spec.timeoutSeconds)
        switch spec.action {
        case .exec(let command):
            do {
                let r = try await runtime.execSync(podUID: podUID, container: container, command: command, timeout: timeout)
                if r.timedOut { return Outcome(success: false, message: "command \(String(reflecting: command.joined(separator: " "))) timed out") }
                return Outcome(success: r.exitCode == 0, message: r.output)
            } catch {
                return Outcome(success: false, message: "\(error)")
            }
        case .tcp(let host, let port):
            guard let target = host ?? podIP, !target.isEmpty else { return Outcome(success: false, message: "the pod has no IP to probe") }
            let error = await Self.connect(target, port, timeout: spec.timeoutSeconds)
            return Outcome(success: error == nil, message: error.map { "dial tcp \(target):\(port): \($0)" } ?? "")
        case .http(let scheme, let host, let port, let path, let headers):
            guard let target = host ?? podIP, !target.isEmpty else { return Outcome(success: false, message: "the pod has no IP to probe") }
            let url = "\(scheme.lowercased())://\(target):\(port)\(path.hasPrefix("/") ? path : "/" + path)"
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "kube-probe/1.33")
            for h in headers { request.headers.replaceOrAdd(name: h.name, value: h.value) }
            do {
                let response = try await http.execute(request, timeout: .seconds(Int64(spec.timeoutSeconds)))
                let code = Int(response.status.code)
                _ = try? await response.body.collect(upTo: 10 << 10)
                if (200..<400).contains(code) { return Outcome(success: true, message: "") }
                return Outcome(success: false, message: "HTTP probe failed with statuscode: \(code)")
            } catch {
                return Outcome(success: false, message: "Get \"\(url)\": \(error)")
            }
        }
    }

    /// A TCP connect within `timeout` seconds on a Dispatch thread; nil when it connected, else why not.
    static func connect(_ host: String, _ port: Int, timeout: Int) async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo(ai_flags: 0, ai_family: AF_UNSPEC, ai_socktype: Int32(SOCK_STREAM.rawValue), ai_protocol: 0,
                                     ai_addrlen: 0, ai_addr: nil, ai_canonname: nil, ai_next: nil)
                var info: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
                    continuation.resume(returning: "lookup \(host): no such host")
                    return
                }
                defer { freeaddrinfo(info) }
                let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
                guard fd >= 0 else { continuation.resume(returning: String(cString: strerror(errno))); return }
                defer { close(fd) }
                var tv = timeval(tv_sec: timeout, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 {
                    continuation.resume(returning: nil)
                } else {
                    let e = errno
                    continuation.resume(returning: e == EINPROGRESS || e == EAGAIN ? "i/o timeout" : "connect: " + String(cString: strerror(e)).lowercased())
                }
            }
        }
    }
}
