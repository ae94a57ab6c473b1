import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The text encodings a clerk's CSV file arrives in: UTF-8 ("CSV UTF-8", with or without a byte-order
/// mark) or GB18030, the superset of GBK that Excel on Chinese Windows writes for plain "CSV".
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// "utf-8", "utf8", "gb18030", "gbk", "gb2312", "cp936" in any case; GBK and GB2312 are read as GB18030,
    /// their superset.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936", "gb-18030": self = .gb18030
        default: return nil
        }
    }

    public var label: String { self == .utf8 ? "UTF-8" : "GB18030" }
}

/// Decides a file's encoding from a sample and decodes GB18030 through the C library's iconv.
enum EncodingSniffer {
    /// How many bytes of a valid UTF-8 prefix `bytes` has. A sequence cut off by the end of the sample
    /// counts as valid (the sample is a window into a longer file).
    static func utf8ValidPrefix(_ bytes: ArraySlice<UInt8>) -> Int {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0:
                need = 2
                lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED:
                need = 2
                hi = 0x9F
            case 0xF0:
                need = 3
                lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4:
                need = 3
                hi = 0x8F
            default: return i - bytes.startIndex
            }
            var j = 1
            while j <= need {
                if i + j >= end { return end - bytes.startIndex }  // cut off by the window
                let c = bytes[i + j]
                if j == 1 ? !(lo...hi).contains(c) : !(0x80...0xBF).contains(c) { return i - bytes.startIndex }
                j += 1
            }
            i += need + 1
        }
        return end - bytes.startIndex
    }

    /// How many bytes of a structurally valid GB18030 prefix `bytes` has: one byte 00–7F; two bytes
    /// 81–FE then 40–7E or 80–FE; four bytes 81–FE, 30–39, 81–FE, 30–39.
    static func gb18030ValidPrefix(_ bytes: ArraySlice<UInt8>) -> Int {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            guard (0x81...0xFE).contains(b) else { return i - bytes.startIndex }
            if i + 1 >= end { return end - bytes.startIndex }
            let c = bytes[i + 1]
            if (0x40...0x7E).contains(c) || (0x80...0xFE).contains(c) {
                i += 2
                continue
            }
            guard (0x30...0x39).contains(c) else { return i - bytes.startIndex }
            if i + 3 >= end { return end - bytes.startIndex }
            guard (0x81...0xFE).contains(bytes[i + 2]), (0x30...0x39).contains(bytes[i + 3]) else { return i - bytes.startIndex }
            i += 4
        }
        return end - bytes.startIndex
    }

    /// The encoding of a window of text that starts at the file's first non-ASCII cell. Everything before
    /// it was ASCII, which reads the same in both, so the decision is exact for what came before.
    ///
    /// - valid in UTF-8 only: UTF-8; valid in GB18030 only: GB18030, unless the UTF-8 reading of the text
    ///   before its first error has Chinese in it (then the file is UTF-8 with a bad part);
    /// - valid in both (short samples can be): UTF-8, unless the UTF-8 reading is only Greek, Cyrillic,
    ///   Hebrew, Arabic and the like while the GB18030 reading is all Chinese (GBK "小" is also the UTF-8
    ///   bytes of Cyrillic "С");
    /// - valid in neither: the one that reads further, so that the error points at the bad bytes.
    static func detect(_ window: ArraySlice<UInt8>, decoder: GB18030Decoder?) -> TextEncoding {
        let u = utf8ValidPrefix(window), g = gb18030ValidPrefix(window), n = window.count
        if u == n && g == n {
            guard let decoder else { return .utf8 }
            let utf8Text = String(decoding: window.prefix(trimmedUTF8Length(window)), as: UTF8.self)
            guard let gbText = decoder.decode(Array(window.prefix(trimmedGB18030Length(window)))) else { return .utf8 }
            func nonASCII(_ s: String) -> [Unicode.Scalar] { s.unicodeScalars.filter { $0.value >= 0x80 } }
            // GBK pairs that happen to be UTF-8 read as Greek, Cyrillic, Armenian, Hebrew, Arabic … (U+0370–
            // U+07FF); anything else in the UTF-8 reading (Han, Latin letters as in Zoë, combining marks,
            // emoji) makes it UTF-8.
            let utf8Plausible = nonASCII(utf8Text).contains { !(0x370...0x7FF).contains($0.value) }
            let gbAllChinese = nonASCII(gbText).allSatisfy { isHan($0) || isCJKPunctuationOrFullWidth($0) }
            return !utf8Plausible && gbAllChinese && !nonASCII(gbText).isEmpty ? .gb18030 : .utf8
        }
        if u == n { return .utf8 }
        // Valid UTF-8 that spells Chinese for a while is UTF-8 with a bad part (a file pieced together),
        // not GB18030 by chance: the error then points at the bad part.
        if g == n && hanCount(String(decoding: window.prefix(u), as: UTF8.self)) < 2 { return .gb18030 }
        return u >= g || g == n ? .utf8 : .gb18030
    }

    static func hanCount(_ s: String) -> Int { s.unicodeScalars.filter(isHan).count }

    /// The window without a UTF-8 sequence cut off at its end.
    static func trimmedUTF8Length(_ w: ArraySlice<UInt8>) -> Int {
        var k = w.endIndex
        var back = 0
        while k > w.startIndex && back < 4 {
            k -= 1
            back += 1
            let b = w[k]
            if b < 0x80 { return w.count }
            if b >= 0xC0 {
                let len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                return len == back ? w.count : k - w.startIndex
            }
        }
        return w.count
    }

    /// The window without a GB18030 sequence cut off at its end.
    static func trimmedGB18030Length(_ w: ArraySlice<UInt8>) -> Int {
        var i = w.startIndex
        while i < w.endIndex {
            let b = w[i]
            if b < 0x80 {
                i += 1
                continue
            }
            if i + 1 >= w.endIndex { return i - w.startIndex }
            if (0x30...0x39).contains(w[i + 1]) {
                if i + 3 >= w.endIndex { return i - w.startIndex }
                i += 4
            } else {
                i += 2
            }
        }
        return w.count
    }

    static func isHan(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF: true
        default: false
        }
    }

    static func isCJKPunctuationOrFullWidth(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x3000...0x303F, 0xFF00...0xFFEF, 0x2010...0x2027, 0x00B7: true
        default: false
        }
    }
}

/// GB18030 → UTF-8 through glibc's iconv. One converter per reader; GB18030 is stateless, so each call
/// converts a whole cell on its own.
final class GB18030Decoder {
    private let cd: iconv_t
    private var out: [UInt8] = []

    /// Nil when the C library has no GB18030 converter (a system without gconv modules).
    init?() {
        guard let cd = iconv_open("UTF-8", "GB18030"), cd != iconv_t(bitPattern: -1) else { return nil }
        self.cd = cd
    }

    deinit { iconv_close(cd) }

    /// The UTF-8 text of `bytes`, or nil when they are not valid GB18030.
    func decode(_ bytes: [UInt8]) -> String? {
        if bytes.isEmpty { return "" }
        let capacity = bytes.count * 2 + 8
        if out.count < capacity { out = [UInt8](repeating: 0, count: capacity) }
        _ = iconv(cd, nil, nil, nil, nil)
        var input = bytes
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuf -> Int? in
            out.withUnsafeMutableBufferPointer { outBuf -> Int? in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(
                    to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(
                    to: CChar.self)
                var outLeft = outBuf.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                if r == -1 || inLeft != 0 { return nil }
                if iconv(cd, nil, nil, &outPtr, &outLeft) == -1 { return nil }
                return outBuf.count - outLeft
            }
        }
        guard let produced else { return nil }
        return String(decoding: out[0..<produced], as: UTF8.self)
    }
}

extension TextEncoding {
    /// "not UTF-8 or GB18030 text", or the forced encoding's name.
    static func undecodable(forced: TextEncoding?) -> SheetMessage {
        switch forced {
        case nil:
            SheetMessage(
                zh: "不是 UTF-8 或 GB18030 编码的文本（请另存为“CSV UTF-8”）",
                en: "not UTF-8 or GB18030 text (save as \"CSV UTF-8\")")
        case .utf8?:
            SheetMessage(zh: "不是 UTF-8 编码的文本（按 --encoding utf-8 读取）", en: "not UTF-8 text (read as --encoding utf-8)")
        case .gb18030?:
            SheetMessage(
                zh: "不是 GB18030/GBK 编码的文本（按 --encoding gb18030 读取）", en: "not GB18030/GBK text (read as --encoding gb18030)")
        }
    }

    /// The file changes encoding: decided from its first non-ASCII text, contradicted here.
    static func mixed(detected: TextEncoding, here: TextEncoding) -> SheetMessage {
        SheetMessage(
            zh: "编码与文件前面的部分不一致（前面是 \(detected.label)，此处像 \(here.label)）；请把整个文件另存为“CSV UTF-8”",
            en:
                "the encoding changes here (earlier text is \(detected.label), this looks like \(here.label)); save the whole file as \"CSV UTF-8\""
        )
    }
}
