import CeledgerDomain
import CeledgerText
import Testing

@Suite("The terminal sanitiser")
struct TerminalTextTests {
    @Test("C0, C1 and bidirectional controls are shown as escapes, never emitted; layout kept in page text")
    func sanitised() {
        #expect(TerminalText.sanitized("m\u{1B}[2J\u{1B}[H") == "m\\u{1b}[2J\\u{1b}[H")
        #expect(TerminalText.sanitized("张\u{9B}31m三") == "张\\u{9b}31m三")
        #expect(TerminalText.sanitized("abc\u{202E}txt.exe") == "abc\\u{202e}txt.exe")
        #expect(TerminalText.sanitized("a\nb\tc") == "a\\nb\\tc")
        #expect(TerminalText.sanitized("a\nb\tc\r", keepingLayout: true) == "a\nb\tc\\r")
        #expect(TerminalText.sanitized("张三 Zhang") == "张三 Zhang")
        for v: UInt32 in [0x00, 0x07, 0x1B, 0x7F, 0x80, 0x9B, 0x9F, 0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2069, 0x061C] {
            let u = Unicode.Scalar(v)!
            #expect(TerminalText.isUnsafe(u) && Message.isControlOrBidi(u), "U+\(String(v, radix: 16))")
            #expect(!TerminalText.sanitized("x" + String(u) + "y").unicodeScalars.contains(u))
        }
    }

    @Test("a message quotes at most 40 characters and 80 scalars of a value")
    func excerpts() {
        #expect(Message.excerpt(String(repeating: "M", count: 1 << 20)) == String(repeating: "M", count: 40) + "…")
        let marks = String(repeating: "a" + String(repeating: "\u{301}", count: 59), count: 40)
        #expect(Message.excerpt(marks).unicodeScalars.count <= 81)
        #expect(Message.excerpt("短") == "短")
    }
}
