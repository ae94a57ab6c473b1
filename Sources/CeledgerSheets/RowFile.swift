import Foundation

/// Opens an import file as rows, whatever it is: a workbook (a zip or an OLE file by its first bytes, or
/// named .xlsx/.xlsm/.xls) or CSV. The file is opened once and its first bytes are read from that one
/// descriptor; a CSV reader continues from them, so a pipe (`import persons <(…)`) or a terminal loses
/// nothing. A workbook needs seeking (a zip is read from its end), so one from a pipe is refused with a
/// message saying to save it to a file first.
public enum RowFile {
    /// Bytes read to tell the format: the eight of an OLE file's signature.
    static let headBytes = 8

    public static func open(path: String, encoding: TextEncoding? = nil) throws(SheetError) -> any RowSource {
        var st = stat()
        if stat(path, &st) != 0 { throw SheetError.cannotOpen(path, errno) }
        let lower = path.lowercased()
        let named = [".xlsx", ".xlsm", ".xls"].contains { lower.hasSuffix($0) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            // Each reader says it as it always has.
            if named { return try XLSXReader(path: path) }
            return try CSVReader(path: path, encoding: encoding)
        }
        if (st.st_mode & S_IFMT) == S_IFREG {
            if named || XLSXReader.looksLikeZip(path: path) || XLSXReader.looksLikeOLE(path: path) {
                return try XLSXReader(path: path)
            }
            return try CSVReader(path: path, encoding: encoding)
        }
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw SheetError.cannotOpen(path, errno) }
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: headBytes)
        while head.count < headBytes {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, headBytes - head.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            head += chunk[0..<n]
        }
        let zip = head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06])
        let ole = head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        if zip || ole || named {
            close(fd)
            throw SheetError(
                zh: "\(path)：工作簿（xlsx）不能从管道读取；请先保存为文件再导入",
                en: "\(path): a workbook (xlsx) cannot be read from a pipe; save it to a file and import that")
        }
        return CSVReader(fd: fd, head: head, encoding: encoding)
    }
}
