import CeledgerDomain
import CeledgerText

/// A scrolling list's cursor: which row is selected and which is at the top of the window.
struct ListCursor: Equatable {
    var selected = 0
    var top = 0
    var count = 0

    mutating func clamp(visible: Int) {
        if count == 0 {
            selected = 0
            top = 0
            return
        }
        selected = max(0, min(selected, count - 1))
        if selected < top { top = selected }
        if visible > 0 && selected >= top + visible { top = selected - visible + 1 }
        top = max(0, min(top, max(0, count - visible)))
    }

    /// The keys `handle` moves by, grouped as the screens' help lines write them.
    static let lineKeys: [Key] = [.up, .down, .character("k"), .character("j")]
    static let pageKeys: [Key] = [.pageUp, .pageDown, .control("b"), .control("f"), .character(" ")]
    static let endKeys: [Key] = [.home, .end, .character("g"), .character("G")]
    static let wheelKeys: [Key] = [.mouse(kind: .wheelUp), .mouse(kind: .wheelDown)]
    static let keys = lineKeys + pageKeys + endKeys + wheelKeys

    /// Handles the movement keys (`keys`); returns false when the key is not a movement.
    mutating func handle(_ key: Key, visible: Int) -> Bool {
        switch key {
        case .up, .character("k"): selected -= 1
        case .down, .character("j"): selected += 1
        case .pageUp, .control("b"):
            selected -= max(1, visible - 1)
            top -= max(1, visible - 1)
        case .pageDown, .control("f"), .character(" "):
            selected += max(1, visible - 1)
            top += max(1, visible - 1)
        case .home, .character("g"): selected = 0
        case .end, .character("G"): selected = count - 1
        case .mouse(let m) where m.kind == .wheelUp: selected -= 3
        case .mouse(let m) where m.kind == .wheelDown: selected += 3
        default: return false
        }
        clamp(visible: visible)
        return true
    }
}

/// A one-line text input: wide characters, a cursor, backspace removes a whole character.
///
/// Like a spreadsheet cell, a field entered with text in it has all of it selected (`selectAll`): what is
/// typed then replaces it, Backspace or Delete clears it, and a cursor move keeps it and edits from there.
struct TextField: Equatable {
    var characters: [Character]
    var cursor: Int
    /// The whole text is selected: the next typed character replaces it.
    var allSelected = false

    init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    var text: String { String(characters) }

    /// Selects the whole text (when there is any), as entering a filled cell does.
    mutating func selectAll() {
        allSelected = !characters.isEmpty
        cursor = characters.count
    }

    /// Editing keys; returns true when the key was an edit or cursor move.
    mutating func handle(_ key: Key) -> Bool {
        if allSelected {
            allSelected = false
            switch key {
            case .character(let c) where !c.isNewline && c.unicodeScalars.allSatisfy({ $0.value >= 0x20 }):
                characters = [c]
                cursor = 1
                return true
            case .backspace, .control("h"), .delete, .control("d"):
                characters.removeAll()
                cursor = 0
                return true
            default: break
            }
        }
        switch key {
        case .character(let c) where !c.isNewline && c.unicodeScalars.allSatisfy({ $0.value >= 0x20 }):
            characters.insert(c, at: cursor)
            cursor += 1
        case .backspace, .control("h"):
            if cursor > 0 {
                characters.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete, .control("d"):
            if cursor < characters.count { characters.remove(at: cursor) }
        case .left, .control("b"): cursor = max(0, cursor - 1)
        case .right, .control("f"): cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .control("u"):
            characters.removeAll()
            cursor = 0
        case .control("k"): characters.removeSubrange(cursor...)
        default: return false
        }
        return true
    }

    /// Draws the field in `width` cells, scrolled so the cursor shows; returns the cursor's screen column.
    func draw(into g: inout TextGrid, row: Int, column: Int, width: Int, style: Style = []) -> Int {
        // Scroll so that the text before the cursor fits.
        var start = 0
        while DisplayWidth.of(String(characters[start..<cursor])) > width - 1 && start < cursor { start += 1 }
        var visible = ""
        var used = 0
        for ch in characters[start...] {
            let w = DisplayWidth.of(ch)
            if used + w > width { break }
            visible.append(ch)
            used += w
        }
        // Selected text reads as selected in monochrome too: bold and underlined.
        let shown: Style = allSelected ? style.union([.bold, .underline]) : style
        g.put(visible.fitted(toWidth: width), row: row, column: column, style: shown, maxWidth: width)
        return column + DisplayWidth.of(String(characters[start..<cursor]))
    }
}

/// Words used across screens.
struct Words {
    let lang: Lang
    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
}
