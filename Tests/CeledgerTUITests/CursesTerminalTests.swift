import Testing

@testable import CeledgerTUI

// What of the curses driver runs without a terminal: the pure mappings. The values are ncurses 6's ABI
// (curses.h): attributes are bits above the 8 colour-pair bits, key codes are octal constants.
@Suite struct CursesTerminalMappingTests {
    @Test func stylesBecomeAttributes() {
        #expect(CursesTerminal.attributes(for: [], colours: true) == 0)
        #expect(CursesTerminal.attributes(for: .bold, colours: true) == 1 << 21)
        #expect(CursesTerminal.attributes(for: .reverse, colours: true) == 1 << 18)
        #expect(CursesTerminal.attributes(for: .underline, colours: true) == 1 << 17)
        #expect(CursesTerminal.attributes(for: .dim, colours: true) == 1 << 20)
        #expect(CursesTerminal.attributes(for: [.bold, .reverse], colours: false) == (1 << 21) | (1 << 18))
    }

    @Test func coloursArePairsOneToFourOnlyWhenTheTerminalHasThem() {
        #expect(CursesTerminal.attributes(for: .green, colours: true) == 1 << 8)
        #expect(CursesTerminal.attributes(for: .red, colours: true) == 2 << 8)
        #expect(CursesTerminal.attributes(for: .yellow, colours: true) == 3 << 8)
        #expect(CursesTerminal.attributes(for: [.cyan, .bold], colours: true) == (4 << 8) | (1 << 21))
        #expect(CursesTerminal.attributes(for: [.red, .bold], colours: false) == 1 << 21)
        #expect(CursesTerminal.attributes(for: [.green, .red], colours: true) == 1 << 8)
    }

    @Test func charactersAndControlKeys() {
        #expect(CursesTerminal.key(character: 0x61) == .character("a"))
        #expect(CursesTerminal.key(character: 0x4E2D) == .character("中"))
        #expect(CursesTerminal.key(character: 19) == .control("s"))
        #expect(CursesTerminal.key(character: 1) == .control("a"))
        #expect(CursesTerminal.key(character: 26) == .control("z"))
        #expect(CursesTerminal.key(character: 9) == .tab)
        #expect(CursesTerminal.key(character: 10) == .enter)
        #expect(CursesTerminal.key(character: 13) == .enter)
        #expect(CursesTerminal.key(character: 27) == .escape)
        #expect(CursesTerminal.key(character: 127) == .backspace)
        #expect(CursesTerminal.key(character: 8) == .backspace)
        #expect(CursesTerminal.key(character: 0) == nil)
        #expect(CursesTerminal.key(character: 0x9B) == nil)
        #expect(CursesTerminal.key(character: 0xD800) == nil)
    }

    @Test func keyCodes() {
        #expect(CursesTerminal.key(code: 0o403) == .up)
        #expect(CursesTerminal.key(code: 0o402) == .down)
        #expect(CursesTerminal.key(code: 0o404) == .left)
        #expect(CursesTerminal.key(code: 0o405) == .right)
        #expect(CursesTerminal.key(code: 0o523) == .pageUp)
        #expect(CursesTerminal.key(code: 0o522) == .pageDown)
        #expect(CursesTerminal.key(code: 0o406) == .home)
        #expect(CursesTerminal.key(code: 0o550) == .end)
        #expect(CursesTerminal.key(code: 0o527) == .enter)
        #expect(CursesTerminal.key(code: 0o407) == .backspace)
        #expect(CursesTerminal.key(code: 0o512) == .delete)
        #expect(CursesTerminal.key(code: 0o513) == .insert)
        #expect(CursesTerminal.key(code: 0o541) == .backTab)
        #expect(CursesTerminal.key(code: 0o410 + 1) == .function(1))
        #expect(CursesTerminal.key(code: 0o410 + 12) == .function(12))
        #expect(CursesTerminal.key(code: 0o410) == nil)
        #expect(CursesTerminal.key(code: 0o777) == nil)
    }

    @Test func mouseReports() {
        let clicked: UInt32 = 1 << 2, pressed: UInt32 = 1 << 1, released: UInt32 = 1 << 0, double: UInt32 = 1 << 3
        let wheelUp: UInt32 = 1 << 16, wheelDown: UInt32 = 1 << 21  // BUTTON4_PRESSED, BUTTON5_PRESSED
        #expect(CursesTerminal.mouseKey(buttons: clicked, row: 3, column: 5) == .mouse(.init(kind: .click, row: 3, column: 5)))
        #expect(CursesTerminal.mouseKey(buttons: pressed, row: 0, column: 0) == .mouse(.init(kind: .click, row: 0, column: 0)))
        #expect(
            CursesTerminal.mouseKey(buttons: double, row: 1, column: 2) == .mouse(.init(kind: .doubleClick, row: 1, column: 2)))
        #expect(CursesTerminal.mouseKey(buttons: wheelUp, row: 4, column: 9) == .mouse(.init(kind: .wheelUp, row: 4, column: 9)))
        #expect(
            CursesTerminal.mouseKey(buttons: wheelDown, row: 4, column: 9) == .mouse(.init(kind: .wheelDown, row: 4, column: 9)))
        #expect(CursesTerminal.mouseKey(buttons: released, row: 0, column: 0) == nil)
        #expect(CursesTerminal.mouseKey(buttons: 1 << 7, row: 0, column: 0) == nil)  // BUTTON2_CLICKED
    }

    @Test func cellsKeepTheirWidth() {
        // Without setlocale libc's wcwidth knows only ASCII, so a wide character is replaced by a
        // placeholder of the same width: columns never shift, whatever the locale.
        #expect(CursesTerminal.cellText("a", fits: 5).width == 1)
        #expect(CursesTerminal.cellText("a", fits: 5).scalars == [0x61])
        #expect(CursesTerminal.cellText("张", fits: 5).width == 2)
        #expect(CursesTerminal.cellText("张", fits: 1) == (scalars: [0x20], width: 1))
        #expect(CursesTerminal.cellText(Cell.continuation, fits: 5) == (scalars: [0x20], width: 1))
    }
}
