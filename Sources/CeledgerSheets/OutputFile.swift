import Foundation

/// The one way celedger writes a file a user names (`-o`, the terminal UI's cards, rejected rows):
///
/// - A path that does not exist, or names a regular file: the bytes go to a temporary file beside it,
///   created owner-only (0600) from its first byte (`O_CREAT | O_EXCL | O_NOFOLLOW`, mode 0600), synced,
///   then renamed over the target. A reader sees the old file or the new one, never half of one; a
///   failure leaves the target as it was and no temporary file behind.
/// - A device, FIFO, socket or terminal (`-o /dev/tty`, `-o >(gzip > x)`): written through, never
///   replaced. So are the names of open descriptors a shell passes (`/dev/stdout`, `/dev/stderr`,
///   `/dev/fd/N`, `/proc/self/fd/N`), whatever they point to.
/// - Any other symbolic link: refused with a message naming its target. Renaming over it would replace
///   the link, and writing through it would change a file somewhere else without saying so.
/// - A directory: refused.
///
/// Files only: no ledger, no terminal. The CLI and the terminal UI both use it.
public final class OutputFile {
    public let path: String
    /// The temporary file renamed over `path` by `commit`; nil when writing through.
    private var tempPath: String?
    private var fd: Int32
    private var finished = false

    /// Opens `path` for writing as described above.
    public init(path: String) throws(SheetError) {
        self.path = path
        switch try Self.target(path) {
        case .through:
            let fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            if fd < 0 { throw SheetError.cannotWrite(path, SheetError.reason(errno)) }
            self.fd = fd
            self.tempPath = nil
        case .replace:
            let (fd, temp) = try Self.createTemporary(beside: path)
            self.fd = fd
            self.tempPath = temp
        }
    }

    deinit { if !finished { abandon() } }

    enum Target { case through, replace }

    /// Names of open descriptors: written through, whatever they point to.
    static func namesDescriptor(_ path: String) -> Bool {
        path == "/dev/stdout" || path == "/dev/stderr" || path.hasPrefix("/dev/fd/") || path.hasPrefix("/proc/self/fd/")
    }

    /// How `path` is written, or why it cannot be.
    static func target(_ path: String) throws(SheetError) -> Target {
        var st = stat()
        if lstat(path, &st) != 0 {
            if errno == ENOENT { return .replace }
            throw SheetError.cannotWrite(path, SheetError.reason(errno))
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .replace
        case S_IFDIR:
            throw SheetError(zh: "无法写入 \(path)：这是一个目录", en: "cannot write \(path): it is a directory")
        case S_IFLNK:
            var target = stat()
            let pointsTo = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            if namesDescriptor(path) { return .through }
            if stat(path, &target) == 0 && (target.st_mode & S_IFMT) != S_IFREG && (target.st_mode & S_IFMT) != S_IFDIR {
                return .through
            }
            throw SheetError(
                zh: "不写入 \(path)：它是指向 \(pointsTo) 的符号链接；请直接给出目标文件的路径",
                en: "not writing \(path): it is a symbolic link to \(pointsTo); give the path of the file itself")
        default:
            // A character or block device, a FIFO, a socket: written through.
            return .through
        }
    }

    /// An owner-only temporary file beside `path`, created exclusively (never an existing file or link).
    static func createTemporary(beside path: String) throws(SheetError) -> (Int32, String) {
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        for attempt in 0..<100 {
            let temp = (dir.isEmpty ? "" : dir + "/") + ".\(name).tmp-\(getpid())-\(attempt)"
            let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                // The umask can only take bits away; make sure of 0600 anyway.
                fchmod(fd, 0o600)
                return (fd, temp)
            }
            if errno != EEXIST { throw SheetError.cannotWrite(path, SheetError.reason(errno)) }
        }
        throw SheetError.cannotWrite(path, SheetError.reason(EEXIST))
    }

    public func write(_ data: Data) throws(SheetError) {
        var failure: Int32 = 0
        data.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
            guard let base = p.baseAddress else { return }
            var offset = 0
            while offset < p.count {
                let n = Foundation.write(fd, base + offset, p.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure != 0 { throw SheetError.cannotWrite(path, SheetError.reason(failure)) }
    }

    public func write(_ s: String) throws(SheetError) { try write(Data(s.utf8)) }

    /// Syncs and puts the file in place (a temporary file renamed over the target), or closes the
    /// descriptor written through.
    public func commit() throws(SheetError) {
        precondition(!finished, "commit after the end")
        finished = true
        if let tempPath {
            if fsync(fd) != 0 && errno != EINVAL {
                let e = errno
                close(fd)
                unlink(tempPath)
                throw SheetError.cannotWrite(path, SheetError.reason(e))
            }
            close(fd)
            // The target may have become something else since it was opened: never rename over a link,
            // a device or a directory.
            var st = stat()
            if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
                unlink(tempPath)
                _ = try Self.target(path)
                throw SheetError.cannotWrite(path, SheetError.reason(EEXIST))
            }
            if rename(tempPath, path) != 0 {
                let e = errno
                unlink(tempPath)
                throw SheetError.cannotWrite(path, SheetError.reason(e))
            }
        } else {
            close(fd)
        }
    }

    /// Leaves the target as it was (a temporary file is removed).
    public func abandon() {
        guard !finished else { return }
        finished = true
        close(fd)
        if let tempPath { unlink(tempPath) }
    }

    /// The whole of `data` written to `path` the safe way.
    public static func write(_ data: Data, to path: String) throws(SheetError) {
        let f = try OutputFile(path: path)
        do {
            try f.write(data)
            try f.commit()
        } catch {
            f.abandon()
            throw error
        }
    }
}
