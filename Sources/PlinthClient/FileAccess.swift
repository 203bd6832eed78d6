import Foundation

/// Kubeconfig `*-data` fields: standard base64.
public func base64Decode(_ s: String) -> [UInt8]? {
    Data(base64Encoded: s.filter { !$0.isWhitespace }).map { Array($0) }
}

/// A whole file (works for /proc files, whose size reads as 0).
public func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if n == 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}
