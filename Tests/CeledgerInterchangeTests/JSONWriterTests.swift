import CeledgerDomain
import CeledgerInterchange
import Foundation
import Testing

@Suite struct JSONWriterTests {
    @Test("strings escaped per RFC 8259, numbers and hours exact, the same text through JSON and JSONWriter")
    func values() throws {
        var w = JSONWriter()
        w.string("a\"b\\c\n\r\t\u{1}\u{1F}欧阳😀")
        #expect(w.text == #""a\"b\\c\n\r\t\u0001\u001f欧阳😀""#)
        #expect(JSON.string("a\"b\\c\n\r\t\u{1}\u{1F}欧阳😀") == w.text)
        for n in [0, 7, -7, 1234567890, Int.max, Int.min] {
            var i = JSONWriter()
            i.int(n)
            #expect(i.text == String(n))
        }
        for t in [0, 5, -5, 81, 900, -1234] {
            #expect(JSON.hours(Hours(tenths: t)) == Hours(tenths: t).description)
        }
        #expect(JSON.optional(nil) == "null")
        #expect(JSON.object([("k\"", "1"), ("v", JSON.string("x"))]) == #"{"k\"":1,"v":"x"}"#)
        // What JSONSerialization reads back.
        let parsed =
            try JSONSerialization.jsonObject(with: Data(JSON.object([("s", JSON.string("\u{0}\u{8}\u{C}\"\\"))]).utf8))
            as? [String: String]
        #expect(parsed?["s"] == "\u{0}\u{8}\u{C}\"\\")
    }

    @Test("DEL, C1 controls and text-direction characters are escaped too: valid JSON, the same text, nothing raw for a terminal")
    func terminalUnsafeCharactersEscaped() throws {
        let text = "张\u{9B}31m\u{202E}三\u{7F}“引号”…\u{1B}\"\\"
        let json = JSON.string(text)
        #expect(json == #""张\u009b31m\u202e三\u007f“引号”…\u001b\"\\""#)
        let parsed = try JSONSerialization.jsonObject(with: Data(JSON.object([("s", json)]).utf8)) as? [String: String]
        #expect(parsed?["s"] == text)
        #expect(JSON.string("“引号”…") == "\"“引号”…\"")
    }

    @Test("arrays: ids in one line, items one a line, an empty list as []")
    func arrays() {
        var ids = JSONWriter()
        ids.array([1, 22, 333])
        #expect(ids.text == "[1,22,333]")
        var none = JSONWriter()
        none.array([])
        #expect(none.text == "[]")
        var items = JSONWriter()
        items.item()
        items.raw("{}")
        items.item()
        items.raw("{}")
        items.endItems()
        #expect(items.text == "[\n{},\n{}\n]\n")
        var empty = JSONWriter()
        empty.endItems()
        #expect(empty.text == "[]\n")
    }
}
