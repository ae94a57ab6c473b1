import CeledgerDomain
import CeledgerText

/// The one JSON writer: strings escaped per RFC 8259, exact hours as numbers with one decimal, written
/// straight into bytes (no intermediate strings: reports and exports write millions of values). Exports,
/// reports, statistics, the search's id lists and the CLI's one-object lines all write through it; `JSON`
/// gives the same text as strings, for a line of a few values.
public struct JSONWriter: Sendable {
    public var bytes: [UInt8] = []
    /// Items of a line-per-item array written so far (`item()`).
    private var items = 0

    /// `capacity`: the bytes to reserve (a report that flushes every 32 KiB wants more than one object).
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// What was written, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Text known to need no escaping (keys, punctuation).
    @inline(__always) public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text that is already JSON (a value written before, a number as text).
    public mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// A JSON string, escaped per RFC 8259. DEL, the C1 controls and the bidirectional formatting
    /// characters are escaped too (`\u009b`, `\u202e`): the same text, and nothing in it can drive a
    /// terminal the JSON is shown on.
    public mutating func string(_ s: String) {
        // Lead bytes of DEL, C1 (U+0080–U+009F), U+061C and U+200E–U+2069: most strings have none.
        if s.utf8.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }),
            s.unicodeScalars.contains(where: TerminalText.isUnsafe)
        {
            bytes.append(0x22)
            for u in s.unicodeScalars {
                switch u {
                case "\"": bytes.append(contentsOf: [0x5C, 0x22])
                case "\\": bytes.append(contentsOf: [0x5C, 0x5C])
                case "\n": bytes.append(contentsOf: [0x5C, 0x6E])
                case "\r": bytes.append(contentsOf: [0x5C, 0x72])
                case "\t": bytes.append(contentsOf: [0x5C, 0x74])
                case _ where TerminalText.isUnsafe(u):
                    let hex = String(u.value, radix: 16)
                    bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                default: bytes.append(contentsOf: String(u).utf8)
                }
            }
            bytes.append(0x22)
            return
        }
        escapedString(s)
    }

    private mutating func escapedString(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                switch b {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(0x22)
    }

    /// A string, or null.
    public mutating func optional(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    public mutating func null() { raw("null") }

    public mutating func bool(_ b: Bool) { b ? raw("true") : raw("false") }

    public mutating func int(_ n: Int) {
        if n < 0 { bytes.append(0x2D) }
        var m = n.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(0x30 + m % 10)
                m /= 10
                count += 1
            } while m > 0
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[i]) }
        }
    }

    /// Hours with one decimal: 60.5, 90.0 — never a string, never binary noise.
    public mutating func hours(_ h: Hours) {
        if h.tenths < 0 { bytes.append(0x2D) }
        let m = h.tenths.magnitude
        int(Int(m / 10))
        bytes.append(0x2E)
        bytes.append(UInt8(0x30 + m % 10))
    }

    /// Hours, or null.
    public mutating func hours(_ h: Hours?) {
        if let h { hours(h) } else { null() }
    }

    /// An array of ids: [1,2,3].
    public mutating func array(_ ids: [Int64]) {
        bytes.append(0x5B)
        for (i, id) in ids.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            int(Int(id))
        }
        bytes.append(0x5D)
    }

    /// An object's members from (key, JSON value) pairs, without the braces: keys escaped, values written
    /// as they are.
    public mutating func members(_ pairs: [(String, String)]) {
        for (i, (k, v)) in pairs.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            string(k)
            bytes.append(0x3A)
            raw(v)
        }
    }

    /// An object from (key, JSON value) pairs.
    public mutating func object(_ pairs: [(String, String)]) {
        bytes.append(0x7B)
        members(pairs)
        bytes.append(0x7D)
    }

    /// Starts the next item of an array written one item a line: "[\n" before the first, ",\n" before
    /// the others.
    public mutating func item() {
        items == 0 ? raw("[\n") : raw(",\n")
        items += 1
    }

    /// Ends an array written with `item()`: "\n]\n", or "[]\n" when it has none.
    public mutating func endItems() {
        items == 0 ? raw("[]\n") : raw("\n]\n")
    }
}

/// JSON values as strings, written by `JSONWriter`: for a line of a few values put together.
public enum JSON {
    private static func text(_ capacity: Int, _ body: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter(capacity: capacity)
        body(&w)
        return w.text
    }

    public static func string(_ s: String) -> String { text(s.utf8.count + 2) { $0.string(s) } }

    public static func optional(_ s: String?) -> String { s.map(string) ?? "null" }

    /// A JSON number with one decimal: 60.5, 90.0 — never a string, never binary noise.
    public static func hours(_ h: Hours) -> String { text(8) { $0.hours(h) } }

    /// An object from (key, JSON value) pairs; keys are escaped, values written as they are.
    public static func object(_ pairs: [(String, String)]) -> String {
        text(pairs.reduce(2) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 }) { $0.object(pairs) }
    }
}
