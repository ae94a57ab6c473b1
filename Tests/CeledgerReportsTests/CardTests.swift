import CeledgerDomain
import CeledgerText
import Foundation
import Testing

@testable import CeledgerReports

@Suite("SHA-256")
struct SHA256Tests {
    @Test("FIPS 180-4 test vectors and a longer UTF-8 text")
    func vectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(
            SHA256.hex(String(repeating: "继续教育学时证明 JX-2024-000123 ", count: 40))
                == "b8a6f410b435b63102dc7773de79d64b8d4f02c3ed1acf8959e706296c734573")
    }

    @Test("every length around a block's end pads right (one block or two), from an array or any collection")
    func blockEnds() {
        // sha256sum of that many "a"s.
        let expected = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            65: "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
            119: "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb",
            120: "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c",
            128: "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e",
        ]
        for (n, hex) in expected {
            #expect(SHA256.hex([UInt8](repeating: 0x61, count: n)) == hex, "length \(n)")
            #expect(SHA256.hex(repeatElement(UInt8(0x61), count: n)) == hex, "length \(n), not contiguous")
        }
    }
}

@Suite("Record card")
struct CardTests {
    @Test("each year's totals are the domain's; counted, trimmed and not-counted records are told apart")
    func content() {
        let card = fixtureCard()
        #expect(card.firstYear == 2023 && card.lastYear == 2024)
        let y23 = card.years[0], y24 = card.years[1]
        #expect(y23.ruleSet.id == "jiangxi-2023" && y24.ruleSet.id == "example-unit-2024")
        #expect(y23.totals == AnnualTotals.evaluate(year: 2023, records: fixtureRecords, rules: jiangxi).totals)
        #expect(y24.totals == AnnualTotals.evaluate(year: 2024, records: fixtureRecords, rules: unitRules).totals)
        #expect(y23.totals.totalHours == Hours(whole: 40) && y23.totals.status == .short)
        // 6 + 30 + 24 online hours, 45 allowed: the last one ended loses 15.
        #expect(y24.totals.publicHours == Hours(whole: 36))
        #expect(y24.totals.professionalHours == Hours(whole: 65))
        #expect(y24.totals.trimmedHours == Hours(whole: 15))
        #expect(y24.counted.map(\.record.title) == ["跨年网络公需课", "心血管新进展研修班", "2024年公需科目网络课程", "临床路径管理在线课程"])
        #expect(y24.counted[3].countedHours == Hours(whole: 9) && y24.counted[3].trimmedHours == Hours(whole: 15))
        #expect(
            y24.trims.count == 1 && y24.trims[0].cap.id == "online-per-year"
                && y24.trims[0].items == [CardTrim.Item(item: 4, hours: Hours(whole: 15))])
        #expect(y24.notCounted.map(\.notCounted) == [.failed, .pending, .rejected])
        #expect(y24.notCounted.allSatisfy { $0.countedHours == nil })
        #expect(card.window.yearsMet == 1 && card.window.yearsRequired == 2)
    }

    @Test("the fingerprint covers what the card says and nothing about when it was printed")
    func digest() {
        let card = fixtureCard()
        #expect(card.digest.count == 64)
        #expect(fixtureCard().digest == card.digest)
        var changed = fixtureRecords
        changed[2].record.title += "（二期）"
        #expect(fixtureCard(records: changed).digest != card.digest)
        var graded = fixtureRecords
        graded[2].record.score = "93"
        #expect(fixtureCard(records: graded).digest != card.digest)
        #expect(fixtureCard(issuer: "江西省卫生健康委员会").digest != card.digest)
        #expect(fixtureCard(years: 2024...2024).digest != card.digest)
        var moved = ouyang
        moved.department = "心内科"
        #expect(fixtureCard(person: moved).digest != card.digest)
        // Another row id for the same content (deleted and entered again) is the same card.
        let renumbered = fixtureRecords.map { (rowID: $0.rowID + 100, record: $0.record) }
        #expect(fixtureCard(records: renumbered).digest == card.digest)
        // A text cannot imitate the separators of the canonical form.
        var a = fixtureRecords, b = fixtureRecords
        a[2].record.title = "A"
        a[2].record.provider = "B C"
        b[2].record.title = "A 1:B"
        b[2].record.provider = "C"
        #expect(fixtureCard(records: a).digest != fixtureCard(records: b).digest)
    }

    @Test("text card in Chinese over two years: golden, every line within 80 cells")
    func textChinese() {
        let text = CardText.render(fixtureCard(), issue: issue, lang: .zh)
        expectGolden("card-ouyang-2023-2024-zh.txt", text)
        for line in text.split(separator: "\n") { #expect(line.displayWidth <= 80, "\(line)") }
    }

    @Test("text card in English for one year, reprinted: golden")
    func textEnglish() {
        let reprint = CardIssue(
            number: "JX-2024-000123", issuedOn: day("2024-11-25"), printedOn: day("2024-12-02"), issuedBy: "wang")
        let text = CardText.render(fixtureCard(years: 2024...2024), issue: reprint, lang: .en)
        expectGolden("card-ouyang-2024-en.txt", text)
        #expect(text.contains("Issued: 2024-11-25 (reprinted 2024-12-02)"))
        for line in text.split(separator: "\n") { #expect(line.displayWidth <= 80, "\(line)") }
    }

    @Test("a card printed from a ledger carries its history chain's head (entries and 16 hex digits), text and HTML")
    func historyHead() {
        let head = HistoryHead(entries: 4711, digest: "0123456789abcdef" + String(repeating: "e", count: 48))
        let withHead = CardIssue(
            number: issue.number, issuedOn: issue.issuedOn, printedOn: issue.printedOn, issuedBy: issue.issuedBy, history: head)
        let zh = CardText.render(fixtureCard(), issue: withHead, lang: .zh)
        #expect(zh.contains("登记簿历史：共 4711 条 · 哈希链 0123456789abcdef"))
        #expect(!zh.contains("eeeeeeee"))
        #expect(
            CardText.render(fixtureCard(), issue: withHead, lang: .en).contains(
                "Ledger history: 4711 entries · chain 0123456789abcdef"))
        #expect(CardHTML.render(fixtureCard(), issue: withHead, lang: .zh).contains("登记簿历史：共 4711 条 · 哈希链 0123456789abcdef</p>"))
        // Without one (a ledger that has none, the golden cards), nothing is printed.
        #expect(!CardText.render(fixtureCard(), issue: issue, lang: .zh).contains("登记簿历史"))
    }

    @Test("the hours column lines up by display width whatever the content's script")
    func columnsLineUp() {
        let text = CardText.render(fixtureCard(years: 2024...2024), issue: issue, lang: .zh)
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines.first { $0.hasPrefix("序号") }!
        let end = header.displayWidth
        for title in ["跨年网络公需课", "心血管新进展研修班", "2024年公需科目网络课程", "临床路径管理在线课程"] {
            let line = lines.first { $0.contains(String(title.prefix(6))) }!
            #expect(line.displayWidth == end, "\(line)")
        }
    }

    @Test("HTML card: golden; A4, self-contained, CJK fonts, no scripts")
    func html() {
        let html = CardHTML.render(fixtureCard(), issue: issue, lang: .zh)
        expectGolden("card-ouyang-2023-2024-zh.html", html)
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("Noto Serif CJK SC") && html.contains("Microsoft YaHei"))
        #expect(html.contains("default-src 'none'"))
        for banned in ["<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http:", "https:"] {
            #expect(!html.lowercased().contains(banned), "\(banned)")
        }
        #expect(html.contains("盖章处"))
        #expect(html.contains("JX-2024-000123"))
        #expect(html.contains("11010519491231002X"))  // the full ID number: the card is a proof
    }

    @Test("a draft says so and has no number")
    func draft() {
        let d = CardIssue.draft(on: day("2024-11-25"), by: "王芳")
        let text = CardText.render(fixtureCard(), issue: d, lang: .zh)
        #expect(text.contains("草稿：未编号，不作证明使用"))
        #expect(!text.contains("JX-"))
        #expect(CardHTML.render(fixtureCard(), issue: d, lang: .zh).contains("class=\"draft\""))
    }

    @Test("hostile text in every field is escaped: the page's tags are only its own")
    func escaping() {
        let evil = "<script>alert('x')</script>&\"'"
        var p = ouyang
        p.name = "张<b>三</b>"
        p.unit = evil
        p.department = "\"><img src=x onerror=alert(1)>"
        var rs = fixtureRecords
        rs[2].record.title = evil
        rs[2].record.provider = "</td></tr></table><script>"
        rs[2].record.certificateNo = "<!--"
        rs[6].record.recognitionNote = "<style>body{display:none}</style>"
        let html = CardHTML.render(fixtureCard(person: p, issuer: "<iframe>", records: rs), issue: issue, lang: .zh)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<iframe"))
        #expect(!html.contains("<!--"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;&#39;"))
        #expect(html.contains("张&lt;b&gt;三&lt;/b&gt;"))
        // Every tag on the page is one the renderer writes.
        let allowed: Set<String> = [
            "!doctype", "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "b", "strong",
            "span", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "br", "ul", "ol", "li", "section", "div",
        ]
        var tags = Set<String>()
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: open)...]
            let name = rest.prefix { $0 != " " && $0 != ">" && $0 != "\n" }.lowercased()
            tags.insert(name.hasPrefix("/") ? String(name.dropFirst()) : name)
        }
        #expect(tags.isSubset(of: allowed), "\(tags.subtracting(allowed))")
        // Exactly one style element: the renderer's own.
        #expect(html.components(separatedBy: "<style>").count == 2)
    }

    @Test("wrapping keeps words whole, cuts CJK anywhere and never exceeds the width")
    func wrapping() {
        #expect(wrap("心血管新进展研修班", width: 8) == ["心血管新", "进展研修", "班"])
        #expect(wrap("cert. NCU-2024-0311", width: 14) == ["cert.", "NCU-2024-0311"])
        #expect(wrap("cert. NCU-2024-0311", width: 12) == ["cert. NCU-20", "24-0311"])  // a word longer than a line is cut
        #expect(wrap("2024-03-04\n~03-10", width: 11) == ["2024-03-04", "~03-10"])
        #expect(wrap("", width: 5) == [""])
        // A URI or a variable stays whole; a closing mark never starts a line, an opening one never ends one.
        #expect(wrap("登记簿 postgresql://用户@主机", width: 18) == ["登记簿", "postgresql://用户@", "主机"])
        #expect(wrap("默认为 $XDG_DATA_HOME", width: 16) == ["默认为", "$XDG_DATA_HOME"])
        #expect(wrap("报表：多年情况（window）", width: 14) == ["报表：多年情况", "（window）"])
        #expect(wrap("一二三四。五", width: 8) == ["一二三", "四。五"])
        #expect(wrap("一二三（四", width: 8) == ["一二三", "（四"])
        for text in ["江西省人力资源和社会保障厅 2024 online course", "a b c d e f", String(repeating: "长", count: 33)] {
            for w in 2...12 { #expect(wrap(text, width: w).allSatisfy { $0.displayWidth <= w }) }
        }
    }
}
