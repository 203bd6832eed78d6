import CHost
import Foundation

/// Writes one layer's tar entries into its own directory in overlayfs form, so a container's
/// root is an overlay mount of its image's layer directories: OCI whiteouts (`.wh.<name>`)
/// become 0:0 character devices and opaque markers (`.wh..wh..opq`) the
/// `trusted.overlay.opaque` attribute on their directory. Entries that would land outside the
/// directory (`..`, or a parent that resolves through a symlink to elsewhere) are refused.
final class LayerUnpacker: TarSink {
    let root: String
    private var fd: Int32 = -1
    private var current: TarEntry?
    /// Directory modes applied after the layer is written (a read-only directory still gets its files).
    private var directoryModes: [(String, mode_t)] = []
    /// The last parent directory found to resolve inside the layer.
    private var checkedParent = ""

    private let rootReal: String

    init(root: String) throws {
        self.root = root
        guard let r = realpath(root, nil) else { throw Self.failure("resolving \(root)") }
        rootReal = String(cString: r)
        free(r)
    }

    /// The entry's path inside the layer, cleaned; nil for the root itself.
    func target(_ path: String) throws -> (full: String, relative: String)? {
        var parts: [Substring] = []
        for p in path.split(separator: "/") where p != "." && !p.isEmpty {
            guard p != ".." else { throw ImageError("layer entry \"\(path)\" leaves the layer") }
            parts.append(p)
        }
        guard !parts.isEmpty else { return nil }
        let relative = parts.joined(separator: "/")
        return (root + "/" + relative, relative)
    }

    func begin(_ entry: TarEntry) throws {
        current = entry
        guard let (full, _) = try target(entry.path) else { return }
        let parent = (full as NSString).deletingLastPathComponent
        let base = (full as NSString).lastPathComponent
        if parent != checkedParent {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            guard let resolved = realpath(parent, nil) else { throw Self.failure("resolving \(parent)") }
            defer { free(resolved) }
            let real = String(cString: resolved)
            guard real == rootReal || real.hasPrefix(rootReal + "/") else { throw ImageError("layer entry \"\(entry.path)\" leaves the layer") }
            checkedParent = parent
        }
        if base == ".wh..wh..opq" {
            if setxattr(parent, "trusted.overlay.opaque", "y", 1, 0) != 0 { throw Self.failure("marking \(parent) opaque") }
            return
        }
        if base.hasPrefix(".wh.") {
            let hidden = parent + "/" + base.dropFirst(4)
            removeExisting(hidden)
            if mknod(hidden, S_IFCHR, 0) != 0 { throw Self.failure("writing whiteout \(hidden)") }
            return
        }
        if entry.kind != .directory { removeExisting(full) }
        let mode = mode_t(entry.mode & 0o7777)
        switch entry.kind {
        case .directory:
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: full, isDirectory: &isDir) || !isDir.boolValue {
                removeExisting(full)
                if mkdir(full, 0o755) != 0 { throw Self.failure("creating directory \(full)") }
            }
            directoryModes.append((full, mode))
        case .file, .other:
            fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 { throw Self.failure("creating \(full)") }
        case .symlink:
            checkedParent = ""  // a directory on the checked path may have become this link
            if symlink(entry.linkTarget, full) != 0 { throw Self.failure("creating symlink \(full)") }
        case .hardLink:
            guard let (source, _) = try target(entry.linkTarget) else { throw ImageError("hard link \(entry.path) to the layer root") }
            if link(source, full) != 0 { throw Self.failure("creating hard link \(full)") }
            return
        case .charDevice, .blockDevice, .fifo:
            let type: mode_t = entry.kind == .charDevice ? S_IFCHR : entry.kind == .blockDevice ? S_IFBLK : S_IFIFO
            let device = dev_t(entry.major) << 8 | dev_t(entry.minor & 0xff) | dev_t(entry.minor & ~0xff) << 12
            // Devices cannot be made in every environment; a container gets its /dev from the runtime anyway.
            _ = mknod(full, type | mode, device)
        }
        _ = lchown(full, entry.uid, entry.gid)
        for (name, value) in entry.xattrs {
            _ = value.withUnsafeBytes { lsetxattr(full, name, $0.baseAddress, value.count, 0) }
        }
        if entry.kind == .file || entry.kind == .other || entry.kind == .fifo { chmod(full, mode) }
    }

    func content(_ bytes: ArraySlice<UInt8>) throws {
        guard fd >= 0 else { return }
        try bytes.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 { throw Self.failure("writing \(current?.path ?? "")") }
                offset += n
            }
        }
    }

    func end() throws {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        current = nil
    }

    /// Applies the directory modes recorded while writing.
    func finish() {
        for (path, mode) in directoryModes.reversed() { chmod(path, mode) }
    }

    private func removeExisting(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR { try? FileManager.default.removeItem(atPath: path) } else { unlink(path) }
    }

    static func failure(_ what: String) -> ImageError {
        ImageError("\(what): \(String(cString: strerror(errno)))")
    }
}
