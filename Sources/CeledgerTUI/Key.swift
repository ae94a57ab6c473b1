/// A key press (or terminal event) as screens see it, independent of curses.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete, insert
    /// Ctrl plus a letter, e.g. `.control("s")` for Ctrl-S.
    case control(Character)
    case function(Int)
    case resize(width: Int, height: Int)
    case mouse(MouseEvent)

    public struct MouseEvent: Hashable, Sendable {
        public enum Kind: Hashable, Sendable { case click, doubleClick, wheelUp, wheelDown }
        public let kind: Kind
        public let row: Int
        public let column: Int
        public init(kind: Kind, row: Int, column: Int) {
            self.kind = kind
            self.row = row
            self.column = column
        }
    }

    /// Keys written the way tests and the help screen write them: "j", "Enter", "C-s", "PgDn".
    public static func parse(_ s: String) -> Key? {
        switch s {
        case "Up": return .up
        case "Down": return .down
        case "Left": return .left
        case "Right": return .right
        case "PgUp": return .pageUp
        case "PgDn": return .pageDown
        case "Home": return .home
        case "End": return .end
        case "Enter": return .enter
        case "Esc": return .escape
        case "Tab": return .tab
        case "BTab": return .backTab
        case "BSpace": return .backspace
        case "DC": return .delete
        case "Space": return .character(" ")
        default:
            if s.hasPrefix("C-"), s.count == 3 { return .control(s.last!) }
            if s.hasPrefix("F"), let n = Int(s.dropFirst()) { return .function(n) }
            if s.count == 1 { return .character(s.first!) }
            return nil
        }
    }

    /// Keys for a string typed as text, one per character.
    public static func typing(_ s: String) -> [Key] { s.map { .character($0) } }
}
