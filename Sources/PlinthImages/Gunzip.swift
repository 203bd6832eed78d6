import CHost

/// Streaming gzip (and zlib) decompression: feed compressed chunks, get the bytes they expand
/// to. Layers are read a chunk at a time so a large one never sits in memory whole.
final class Gunzip {
    private var stream = z_stream()
    private var finished = false

    init() throws(ImageError) {
        guard plinth_inflate_init_gzip(&stream) == Z_OK else { throw ImageError("cannot start gzip decompression") }
    }

    deinit { inflateEnd(&stream) }

    /// Decompresses one chunk, handing each piece of output to `sink`. Data after the end of
    /// the gzip stream is ignored, as `tar` and container runtimes do.
    func feed(_ input: [UInt8], into sink: ([UInt8]) throws -> Void) throws {
        guard !finished, !input.isEmpty else { return }
        var output = [UInt8](repeating: 0, count: 256 << 10)
        var input = input
        try input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            repeat {
                let (code, produced) = output.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(outBuf.count)
                    let code = inflate(&stream, Z_NO_FLUSH)
                    return (code, outBuf.count - Int(stream.avail_out))
                }
                if produced > 0 { try sink(Array(output[0..<produced])) }
                switch code {
                case Z_STREAM_END:
                    finished = true
                    return
                case Z_OK, Z_BUF_ERROR:
                    break
                default:
                    throw ImageError("corrupt gzip data (zlib error \(code))")
                }
            } while stream.avail_in > 0 || stream.avail_out == 0
        }
    }

    /// Whether the whole compressed stream has been read.
    var isFinished: Bool { finished }
}
