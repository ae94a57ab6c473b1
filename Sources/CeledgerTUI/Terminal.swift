import CeledgerDomain

/// What screens and tests see of the terminal. `CursesTerminal` is the real one; tests use a fake that
/// records grids and replays keys.
public protocol Terminal: AnyObject {
    /// Columns and rows available now.
    var size: (width: Int, height: Int) { get }
    /// Shows the grid: its cells, its styles and its cursor.
    func draw(_ grid: TextGrid)
    /// The next key or event, waiting at most `timeoutMilliseconds` (negative: wait for ever).
    /// nil when the time ran out, or when the program was asked to stop.
    func readKey(timeoutMilliseconds: Int) -> Key?
    /// Gives the terminal back as it was. Safe to call more than once.
    func shutdown()
}

/// Why the terminal could not be set up, in both languages.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    public let zh: String
    public let en: String
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
    public func text(_ lang: Lang) -> String { lang == .zh ? zh : en }
    public var description: String { zh + "\n" + en }
}
