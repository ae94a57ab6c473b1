#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-line message in both languages, about a file: the formats' own, since they know no ledger. Who
/// shows it to a clerk turns it into the message type of its layer, with the same words.
public struct SheetMessage: Sendable, Hashable, CustomStringConvertible {
    public let zh: String
    public let en: String
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
    public var description: String { en }
}

/// A file that cannot be opened, read or written as a whole: a CSV file or workbook that is missing or no
/// workbook, a sheet that cannot be written. (A problem at a line of a file being read is a `CSVError`.)
public struct SheetError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: SheetMessage
    public init(_ message: SheetMessage) { self.message = message }
    public init(zh: String, en: String) { self.message = SheetMessage(zh: zh, en: en) }
    public var description: String { message.en }

    /// The C library's text for an `errno` value ("No such file or directory").
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// "cannot open <path>: <reason>".
    static func cannotOpen(_ path: String, _ code: Int32) -> SheetError {
        SheetError(zh: "无法打开 \(path)：\(reason(code))", en: "cannot open \(path): \(reason(code))")
    }

    /// "cannot write <path>: <reason>".
    static func cannotWrite(_ path: String, _ reason: String) -> SheetError {
        SheetError(zh: "无法写入 \(path)：\(reason)", en: "cannot write \(path): \(reason)")
    }
}
