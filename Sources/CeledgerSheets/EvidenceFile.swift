import Foundation

/// Reading a proof file a clerk names (`celedger evidence add`, the person screen's attach box): the one
/// way in, so that the CLI and the terminal UI refuse the same files with the same words.
///
/// - A symbolic link is refused, naming its target: the ledger keeps a copy of the bytes under the
///   link's name, and the clerk should attach the file itself, knowing which one it is.
/// - A directory, a device, a FIFO or a socket is refused: only a regular file is a scan.
/// - A file larger than `limit` is refused from its size, before a byte is read (a 4 GiB video does not
///   pass through memory to be refused); one that grows while it is read is refused too.
/// - An unreadable file is refused with the system's reason.
///
/// The file is opened with `O_NOFOLLOW` and its type taken from the open descriptor (`fstat`), so a
/// file swapped for a link between the check and the read is refused as well.
public enum EvidenceFile {
    /// The file's own name (the last part of the path) and its bytes.
    public static func read(_ path: String, limit: Int) throws(SheetError) -> (name: String, bytes: [UInt8]) {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            throw SheetError(
                zh: "无法读取 \(path)：\(SheetError.reason(errno))", en: "cannot read \(path): \(SheetError.reason(errno))")
        }
        if st.st_mode & S_IFMT == S_IFLNK {
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            throw SheetError(
                zh: "\(path) 是指向 \(target) 的符号链接：请直接添加它所指的文件，以免存入的不是您以为的那份",
                en:
                    "\(path) is a symbolic link to \(target): add the file it points to itself, so that what is kept is the file you mean"
            )
        }
        if st.st_mode & S_IFMT == S_IFDIR {
            throw SheetError(zh: "\(path) 是文件夹，不是文件", en: "\(path) is a folder, not a file")
        }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            throw SheetError(
                zh: "无法读取 \(path)：\(SheetError.reason(errno))", en: "cannot read \(path): \(SheetError.reason(errno))")
        }
        defer { close(fd) }
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw SheetError(
                zh: "\(path) 不是普通文件（设备、管道或套接字）", en: "\(path) is not a regular file (a device, pipe or socket)")
        }
        let size = Int(st.st_size)
        if size > limit { throw tooLarge(path, size, limit) }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SheetError(
                    zh: "无法读取 \(path)：\(SheetError.reason(errno))", en: "cannot read \(path): \(SheetError.reason(errno))")
            }
            if n == 0 { break }
            got += n
        }
        // One byte more than its size was asked for: a file still being written is not kept half.
        if got > size {
            throw SheetError(
                zh: "\(path) 在读取时仍在变大：请等它写完再添加", en: "\(path) grew while it was read: add it once it is complete")
        }
        bytes.removeLast(bytes.count - got)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return (name, bytes)
    }

    static func tooLarge(_ path: String, _ size: Int, _ limit: Int) -> SheetError {
        let mib = { (n: Int) in "\(n * 10 / (1024 * 1024) / 10).\(n * 10 / (1024 * 1024) % 10)" }
        return SheetError(
            zh: "\(path) 过大（\(mib(size)) MiB，每个文件最多 \(limit / 1024 / 1024) MiB）：请压缩或分页扫描后再添加",
            en:
                "\(path) is too large (\(mib(size)) MiB; at most \(limit / 1024 / 1024) MiB a file): shrink or split the scan and add it again"
        )
    }
}
