import Foundation
internal import ZIPFoundation

/// A zip of a few files written as one output (`celedger card --bundle`: the card and its proof, for an
/// application, Art. 21). Built in a temporary file of its own (0600, exclusive), then handed to
/// `OutputFile`, so the target gets the same care as every output: atomically replaced, a link refused.
/// Entry names are the caller's (base names it made safe): no entry can point outside the archive.
public enum ZipBundle {
    public static func write(
        _ entries: [(name: String, bytes: Data)], to path: String, modified: Date = Date()
    ) throws(SheetError) {
        let temp = NSTemporaryDirectory() + "/celedger-bundle-\(UUID().uuidString).zip"
        defer { unlink(temp) }
        do {
            let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 { throw SheetError.cannotWrite(temp, SheetError.reason(errno)) }
            let empty: [UInt8] = [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)
            let wrote = empty.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            close(fd)
            if wrote != empty.count { throw SheetError.cannotWrite(temp, SheetError.reason(errno)) }
            let archive = try Archive(url: URL(fileURLWithPath: temp), accessMode: .update)
            for e in entries {
                try archive.addEntry(
                    with: e.name, type: .file, uncompressedSize: Int64(e.bytes.count), modificationDate: modified,
                    compressionMethod: .deflate
                ) { position, size in
                    e.bytes.subdata(in: Int(position)..<Int(position) + size)
                }
            }
        } catch let e as SheetError {
            throw e
        } catch {
            throw SheetError.cannotWrite(path, "\(error)")
        }
        guard let data = FileManager.default.contents(atPath: temp) else {
            throw SheetError.cannotWrite(path, SheetError.reason(errno))
        }
        try OutputFile.write(data, to: path)
    }
}
