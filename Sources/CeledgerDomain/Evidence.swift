/// Proof of a record (Art. 15: institutions issue proof of the assessment): a scanned certificate or
/// transcript kept with the ledger. Pure: what a file may be, told from its bytes and its name; reading
/// the file is the caller's (CeledgerSheets' `EvidenceFile`), keeping it the ledger's.
public enum EvidenceKind: String, Sendable, Hashable, CaseIterable {
    case pdf, jpeg, png, ofd

    public var label: String {
        switch self {
        case .pdf: "PDF"
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .ofd: "OFD"
        }
    }

    /// The file name's extension a viewer expects.
    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .jpeg: "jpg"
        case .png: "png"
        case .ofd: "ofd"
        }
    }

    /// The kind by content, never by the name (a renamed file is what its bytes say): PDF starts
    /// `%PDF-`, JPEG `FF D8 FF`, PNG its eight-byte signature; OFD (GB/T 33190, China's format for
    /// electronic certificates and invoices) is a ZIP whose entries include `OFD.xml` at its root.
    public static func detect(_ bytes: [UInt8]) -> EvidenceKind? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0x50, 0x4B, 0x03, 0x04]) && zipHasRootEntry(bytes, named: Array("OFD.xml".utf8)) { return .ofd }
        return nil
    }

    /// Whether a ZIP's central directory lists an entry of this name (the directory, not the local
    /// headers: an entry's local header may be anywhere, the directory says where).
    static func zipHasRootEntry(_ b: [UInt8], named name: [UInt8]) -> Bool {
        func u16(_ i: Int) -> Int { i + 2 <= b.count ? Int(b[i]) | Int(b[i + 1]) << 8 : -1 }
        func u32(_ i: Int) -> Int { i + 4 <= b.count ? u16(i) | u16(i + 2) << 16 : -1 }
        // The end-of-central-directory record: within the last 22 + 65,535 bytes (its comment).
        guard b.count >= 22 else { return false }
        var eocd = -1
        var i = b.count - 22
        let lowest = max(0, b.count - 22 - 65_535)
        while i >= lowest {
            if b[i] == 0x50 && b[i + 1] == 0x4B && b[i + 2] == 0x05 && b[i + 3] == 0x06 {
                eocd = i
                break
            }
            i -= 1
        }
        guard eocd >= 0 else { return false }
        let entries = u16(eocd + 10)
        var at = u32(eocd + 16)
        for _ in 0..<max(0, entries) {
            guard at >= 0, u32(at) == 0x0201_4B50 else { return false }
            let nameLength = u16(at + 28), extra = u16(at + 30), comment = u16(at + 32)
            guard nameLength >= 0, at + 46 + nameLength <= b.count else { return false }
            if Array(b[(at + 46)..<(at + 46 + nameLength)]) == name { return true }
            at += 46 + nameLength + extra + comment
        }
        return false
    }
}

/// What a proof file must be before the ledger keeps it, and the name it is kept by.
public enum Evidence {
    /// 20 MiB a file: a scanned certificate at 300 dpi is well under 5 MiB, a multi-page transcript
    /// under 20; more is usually a photo straight from a phone, which the clerk should shrink. The
    /// ledger keeps every version (removal is soft), so the limit also bounds how fast the file grows.
    public static let maxBytes = 20 * 1024 * 1024
    /// The stored name's length, in characters.
    public static let maxNameLength = 120

    /// A refusal of a proof file, in both languages.
    public struct Problem: Error, Sendable, Hashable {
        public let message: Message
        public init(_ zh: String, _ en: String) { message = Message(zh: zh, en: en) }
    }

    /// The name a file is kept by: the file's own name (callers give the base name of its path), trimmed.
    /// A name with a folder in it, `..`, control or direction characters is refused rather than
    /// repaired: it did not come from a clerk's folder, it would be unsafe where the name is written out
    /// again (the bundle's zip, a file saved under it), and a repaired name would not be the one the
    /// clerk sees on the file.
    public static func storedName(_ given: String) -> Result<String, Problem> {
        let name = given.trimmedField
        if name.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." }) {
            return .failure(Problem("文件名含“..”：只能是文件本身的名字", "the name contains \"..\": it must be the file's own name"))
        }
        if name.contains("/") {
            return .failure(
                Problem("文件名含“/”：只能是文件本身的名字，不含文件夹", "the name contains \"/\": it must be the file's own name, without folders"))
        }
        if name.isEmpty { return .failure(Problem("文件名为空", "the file name is empty")) }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || Message.isControlOrBidi($0) }) {
            return .failure(
                Problem("文件名含控制字符：请先改名", "the file name contains control characters: rename the file first"))
        }
        if name.contains("\\") {
            return .failure(Problem("文件名含反斜杠：请先改名", "the file name contains a backslash: rename the file first"))
        }
        if name.count > maxNameLength {
            return .failure(
                Problem(
                    "文件名过长（\(name.count) 字，最多 \(maxNameLength) 字）：请先改名",
                    "the file name is too long (\(name.count) characters, at most \(maxNameLength)): rename the file first"))
        }
        return .success(name)
    }

    /// The kind of a proof file's bytes, or why they cannot be kept (empty, too large, not a kind known).
    public static func check(_ bytes: [UInt8]) -> Result<EvidenceKind, Problem> {
        if bytes.isEmpty { return .failure(Problem("文件为空（0 字节）", "the file is empty (0 bytes)")) }
        if bytes.count > maxBytes { return .failure(tooLarge(bytes.count)) }
        guard let kind = detect(bytes) else {
            return .failure(
                Problem(
                    "不是 PDF、JPEG、PNG 或 OFD 文件（按内容判断，与扩展名无关）",
                    "not a PDF, JPEG, PNG or OFD file (judged by its content, whatever its extension)"))
        }
        return .success(kind)
    }

    static func detect(_ bytes: [UInt8]) -> EvidenceKind? { EvidenceKind.detect(bytes) }

    /// "too large: 25.3 MiB, at most 20 MiB".
    public static func tooLarge(_ size: Int) -> Problem {
        let mib = "\(size * 10 / (1024 * 1024) / 10).\(size * 10 / (1024 * 1024) % 10)"
        return Problem(
            "文件过大（\(mib) MiB，每个文件最多 \(maxBytes / 1024 / 1024) MiB）：请压缩或分页扫描后再添加",
            "the file is too large (\(mib) MiB; at most \(maxBytes / 1024 / 1024) MiB a file): shrink or split the scan and add it again"
        )
    }

    /// A size as a clerk reads it: "812 B", "35.2 KiB", "4.1 MiB".
    public static func size(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        let (unit, scale) = n < 1024 * 1024 ? ("KiB", 1024) : ("MiB", 1024 * 1024)
        let tenths = (n * 10 + scale / 2) / scale
        return "\(tenths / 10).\(tenths % 10) \(unit)"
    }
}
