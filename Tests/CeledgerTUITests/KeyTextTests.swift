import CeledgerDomain
import CeledgerText
import Testing

@testable import CeledgerTUI

/// Every place a screen or box shows its keys, in both languages: the key bars, the `?` help of every
/// screen (on a terminal tall enough for the whole list), the hint lines of the boxes. One golden file per
/// language, so a change to any key's text shows up here.
@Suite struct KeyTextTests {
    /// (what, keys pressed from the persons list, terminal height).
    static let states: [(String, [String], Int)] = [
        ("persons", [], 24),
        ("persons ?", ["?"], 40),
        ("persons ? scrolls", ["?", "Down", "Down"], 24),
        ("persons searching", ["/"], 24),
        ("persons searching F1", ["/", "F1"], 40),
        ("person", ["Enter"], 24),
        ("person ?", ["Enter", "?"], 40),
        ("history", ["Enter", "h"], 24),
        ("history ?", ["Enter", "h", "?"], 40),
        ("recognition", ["r"], 24),
        ("recognition ?", ["r", "?"], 40),
        ("stats", ["t"], 24),
        ("stats ?", ["t", "?"], 40),
        ("filter chooser", ["f"], 24),
        ("confirm", ["Enter", "d"], 24),
        ("prompt", ["r", "n"], 24),
        ("record form", ["Enter", "a"], 24),
        ("discard changes", ["Enter", "a", "Tab", "Tab", "Tab", "Tab", "x", "Esc"], 24),
        ("person form", ["a"], 24),
        ("class form", ["m", "A"], 24),
    ]

    func snapshot(_ lang: Lang) throws -> String {
        var out: [String] = []
        for (name, keys, height) in Self.states {
            let app = try makeApp(lang: lang, height: height)
            for k in keys { app.press(k) }
            // The history's times are the test's own: written as a placeholder of the same width.
            let text = app.screen.replacing(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, with: "YYYY-MM-DD hh:mm:ss")
            out.append("## \(name)\n" + text)
        }
        return out.joined(separator: "\n")
    }

    @Test func keyTextsInChinese() throws {
        expectGolden("keys-zh", try snapshot(.zh))
    }

    @Test func keyTextsInEnglish() throws {
        expectGolden("keys-en", try snapshot(.en))
    }
}
