import CeledgerDomain

/// The card as one self-contained HTML page for an A4 printer: inline CSS, no scripts, fonts or images
/// from anywhere (a Content-Security-Policy forbids them too), every value from the ledger escaped.
public enum CardHTML {
    public static func render(_ card: RecordCard, issue: CardIssue, lang: Lang) -> String {
        let w = CardWords(lang: lang)
        let p = card.person
        var h = ""
        func add(_ s: String) { h += s + "\n" }

        add("<!DOCTYPE html>")
        add("<html lang=\"\(w.t("zh-CN", "en"))\">")
        add("<head>")
        add("<meta charset=\"utf-8\">")
        add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        add("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
        add("<meta name=\"generator\" content=\"celedger\">")
        add("<title>\(e(w.title)) \(e(w.number(issue))) \(e(p.name))</title>")
        add("<style>\n\(css)</style>")
        add("</head>")
        add("<body>")
        add("<main class=\"page\">")
        add("<h1>\(e(w.title))</h1>")
        add("<p class=\"subtitle\">\(e(w.subtitle))</p>")
        if issue.number == nil { add("<p class=\"draft\">\(e(w.draft))</p>") }
        add(
            "<table class=\"meta\"><tr><td>\(e(w.t("证明编号：", "Certificate no.: ")))<b class=\"number\">\(e(w.number(issue)))</b></td>"
                + "<td class=\"right\">\(e(w.t("签发日期：", "Issued: ")))\(e(w.issued(issue)))</td></tr></table>")

        add("<table class=\"person\">")
        add(
            "<tr>\(th(w.t("姓名", "Name")))<td class=\"name\">\(e(p.name))</td>\(th(w.t("性别", "Gender")))<td>\(e(w.gender(p.gender)))</td>"
                + "\(th(w.t("出生日期", "Born")))<td class=\"nowrap\">\(e(p.birthDate.iso))</td></tr>")
        add("<tr>\(th(w.t("身份证号", "ID number")))<td colspan=\"5\" class=\"id\">\(e(p.id.value))</td></tr>")
        add(
            "<tr>\(th(w.t("工作单位", "Unit")))<td colspan=\"3\">\(e(w.dash(p.unit)))</td>\(th(w.t("部门", "Department")))<td>\(e(w.dash(p.department)))</td></tr>"
        )
        add(
            "<tr>\(th(w.t("职称", "Title")))<td colspan=\"3\">\(e(w.titleAndLevel(p)))</td>\(th(w.t("专业", "Specialty")))<td>\(e(w.dash(p.specialty)))</td></tr>"
        )
        add("<tr>\(th(w.t("证明年度", "Years")))<td colspan=\"5\">\(e(w.years(card)))</td></tr>")
        add(
            "<tr>\(th(w.t("依据", "Rules")))<td colspan=\"5\">\(card.ruleSets.map { e($0.name.text(lang)) }.joined(separator: "<br>"))</td></tr>"
        )
        add("</table>")

        for y in card.years {
            add("<section class=\"year\">")
            add("<h2>\(e(w.t("\(y.year)年度", "\(y.year)")))<span class=\"req\">\(e(w.requirement(y.totals)))</span></h2>")
            if card.ruleSets.count > 1 { add("<p class=\"rules\">\(e(w.t("依据：", "Rules: ") + y.ruleSet.name.text(lang)))</p>") }
            if y.counted.isEmpty {
                add("<p>\(e(w.t("本年度没有计入学时的活动。", "No activity counts in this year.")))</p>")
            } else {
                add("<table class=\"records\">")
                add(
                    "<thead><tr>"
                        + [
                            w.t("序号", "No."), w.t("学习内容", "Content"), w.t("举办单位", "Provider"), w.t("起止日期", "Dates"),
                            w.t("学习方式", "Mode"), w.t("科目类别", "Category"), w.t("考核结果", "Assessment"),
                            w.t("认定学时", "Recognised"), w.t("计入学时", "Counted"),
                        ].map(th).joined() + "</tr></thead>")
                add("<tbody>")
                var recognised = Hours.zero
                for (i, l) in y.counted.enumerated() {
                    let r = l.record
                    recognised += r.recognizedHours ?? .zero
                    var counted = e((l.countedHours ?? .zero).description)
                    if l.trimmedHours != .zero {
                        counted += "<span class=\"cut\">\(e(w.t("扣 ", "−")))\(e(l.trimmedHours.description))</span>"
                    }
                    add(
                        "<tr><td class=\"num\">\(i + 1)</td><td>\(content(r, w))</td><td>\(e(w.dash(r.provider)))</td>"
                            + "<td class=\"nowrap\">\(dates(r))</td><td>\(e(r.mode.label(lang)))</td><td>\(e(r.category.label(lang)))</td>"
                            + "<td class=\"nowrap\">\(e(w.assessment(r)))</td><td class=\"num\">\(e((r.recognizedHours ?? .zero).description))</td>"
                            + "<td class=\"num\">\(counted)</td></tr>")
                }
                add("</tbody>")
                add(
                    "<tfoot><tr><td colspan=\"7\" class=\"right\">\(e(w.t("合计", "Total")))</td><td class=\"num\">\(e(recognised.description))</td>"
                        + "<td class=\"num\">\(e(y.totals.totalHours.description))</td></tr></tfoot>")
                add("</table>")
            }
            let statusClass = !y.required ? "free" : y.totals.status == .met ? "met" : "short"
            add("<p class=\"totals\">\(e(w.totalsLine(y)))<strong class=\"status \(statusClass)\">\(e(w.status(y)))</strong></p>")
            if !y.trims.isEmpty {
                add("<ul class=\"trims\">")
                for t in y.trims { add("<li>\(e(w.trim(t)))</li>") }
                add("</ul>")
            }
            if !y.notCounted.isEmpty {
                add("<h3>\(e(w.t("未计入学时的活动（不计学时，仅作记录）", "Activities that add no hours (listed for the record only)")))</h3>")
                add("<table class=\"records other\">")
                add(
                    "<thead><tr>"
                        + [
                            w.t("序号", "No."), w.t("学习内容", "Content"), w.t("举办单位", "Provider"), w.t("起止日期", "Dates"),
                            w.t("学习方式", "Mode"), w.t("科目类别", "Category"), w.t("考核结果", "Assessment"),
                            w.t("申报学时", "Claimed"), w.t("说明", "Why"),
                        ].map(th).joined() + "</tr></thead>")
                add("<tbody>")
                for (i, l) in y.notCounted.enumerated() {
                    let r = l.record
                    add(
                        "<tr><td class=\"num\">\(i + 1)</td><td>\(content(r, w))</td><td>\(e(w.dash(r.provider)))</td>"
                            + "<td class=\"nowrap\">\(dates(r))</td><td>\(e(r.mode.label(lang)))</td><td>\(e(r.category.label(lang)))</td>"
                            + "<td class=\"nowrap\">\(e(w.assessment(r)))</td><td class=\"num\">\(e(r.claimedHours.description))</td><td>\(e(w.notCounted(l)))</td></tr>"
                    )
                }
                add("</tbody>")
                add("</table>")
            }
            add("</section>")
        }

        if card.years.count > 1 {
            add("<section class=\"summary\">")
            add("<h2>\(e(w.t("各年度汇总", "Summary by year")))</h2>")
            add("<table class=\"records\">")
            add(
                "<thead><tr>"
                    + [
                        w.t("年度", "Year"), w.t("公需", "Public"), w.t("专业", "Professional"), w.t("合计", "Total"),
                        w.t("应修", "Required"), w.t("状态", "Status"),
                    ].map(th).joined() + "</tr></thead>")
            add("<tbody>")
            for y in card.years {
                let t = y.totals
                add(
                    "<tr><td>\(y.year)</td><td class=\"num\">\(t.publicHours)</td><td class=\"num\">\(t.professionalHours)</td>"
                        + "<td class=\"num\">\(t.totalHours)</td><td class=\"num\">\(t.requiredHours)</td><td>\(e(w.shortStatus(y)))</td></tr>"
                )
            }
            add("</tbody>")
            add("</table>")
            let win = card.window
            add(
                "<p class=\"totals\">\(e(w.t("合计 \(win.windowTotalHours) 学时；应达标 \(win.yearsRequired) 年，达标 \(win.yearsMet) 年", "\(win.windowTotalHours) hours in all; \(win.yearsMet) of \(win.yearsRequired) required years met")))</p>"
            )
            add("</section>")
        }

        if !card.proof.isEmpty {
            add("<section class=\"proof\">")
            add(
                "<h3>\(e(w.t("证明材料（文件名与 SHA-256，可用于核对所附文件）", "Proof (file name and SHA-256, to check the files attached)")))</h3>"
            )
            add("<table class=\"records\">")
            add(
                "<thead><tr>" + [w.t("年度", "Year"), w.t("内容", "Content"), w.t("文件名", "File"), "SHA-256"].map(th).joined()
                    + "</tr></thead>")
            add("<tbody>")
            for f in card.proof {
                add(
                    "<tr><td>\(f.year)</td><td>\(e(f.title))</td><td>\(e(f.name))</td><td class=\"digest\"><code>\(f.sha256)</code></td></tr>"
                )
            }
            add("</tbody>")
            add("</table>")
            add("</section>")
        }

        add("<section class=\"notes\">")
        add("<h3>\(e(w.t("说明", "Notes")))</h3>")
        add("<ol>" + w.notes.map { "<li>\(e($0))</li>" }.joined() + "</ol>")
        add("</section>")

        add("<table class=\"sign\"><tr><td class=\"sign-left\">")
        add("<p>\(e(w.t("出具单位（盖章）：", "Issued by (seal): ")))<b class=\"issuer\">\(e(card.issuer))</b></p>")
        add("<p>\(e(w.t("经办人：", "Clerk: ")))\(e(issue.issuedBy))</p>")
        add("<p>\(e(w.t("签发日期：", "Date: ")))\(e(w.issued(issue)))</p>")
        add("<p class=\"fp\">\(e(w.t("内容校验码：", "Fingerprint: ")))\(e(CardText.fingerprint(card.digest)))</p>")
        if let h = issue.history {
            add("<p class=\"fp\">\(e(w.t("登记簿历史：", "Ledger history: ")))\(e(h.line.text(w.lang)))</p>")
        }
        add("</td><td class=\"seal-cell\"><div class=\"seal\">\(e(w.t("盖章处", "Seal")))</div></td></tr></table>")
        add("</main>")
        add("</body>")
        add("</html>")
        return h
    }

    /// HTML-escapes text for element content and quoted attribute values; control characters other than
    /// line breaks and tabs are dropped.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(u)
            case _ where u.value < 0x20 || (0x7F..<0xA0).contains(u.value): continue
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func e(_ s: String) -> String { escape(s).replacingOccurrences(of: "\n", with: "<br>") }

    static func th(_ s: String) -> String { "<th>\(e(s))</th>" }

    static func content(_ r: Record, _ w: CardWords) -> String {
        var s = e(r.title)
        if !r.certificateNo.isEmpty { s += "<span class=\"cert\">\(e(w.t("证书编号 ", "Certificate ") + r.certificateNo))</span>" }
        return s
    }

    static func dates(_ r: Record) -> String {
        if r.startDate == r.endDate { return e(r.startDate.iso) }
        return e(r.startDate.iso) + "<br>~"
            + e(r.startDate.year == r.endDate.year ? String(r.endDate.iso.dropFirst(5)) : r.endDate.iso)
    }

    static let css = """
        @page { size: A4; margin: 15mm 14mm 16mm 14mm; }
        * { box-sizing: border-box; }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { margin: 0; color: #000; font-size: 10.5pt; line-height: 1.45;
          font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "STSong", "SimSun", "宋体", "Noto Serif SC",
            "AR PL UMing CN", "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei", serif; }
        h1, h2, h3, th, .meta, .status { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
            "Microsoft YaHei", "微软雅黑", "WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif; }
        .page { max-width: 182mm; margin: 0 auto; }
        @media screen {
          body { background: #e6e6e6; }
          .page { max-width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 15mm 14mm; background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.3); }
        }
        h1 { font-size: 20pt; text-align: center; letter-spacing: .3em; margin: 0; }
        .subtitle { text-align: center; margin: 1mm 0 4mm; font-size: 10pt; }
        .draft { border: 2pt solid #b00; color: #b00; text-align: center; font-weight: bold; padding: 1mm; margin: 0 0 3mm; }
        table { width: 100%; border-collapse: collapse; }
        .meta td { padding: 0 0 2mm; }
        .right { text-align: right; }
        .person th, .person td, .records th, .records td { border: 0.6pt solid #000; padding: 1.1mm 1.5mm; vertical-align: top; text-align: left; }
        .person th, .records th { background: #eee; font-weight: normal; white-space: nowrap; }
        .person th { width: 18mm; }
        .person .name { font-size: 12pt; font-weight: bold; }
        .id { letter-spacing: .08em; font-variant-numeric: tabular-nums; }
        .records { font-size: 9pt; margin-top: 1.5mm; }
        .records thead { display: table-header-group; }
        .records tfoot td { font-weight: bold; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        .num { text-align: right !important; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .nowrap { white-space: nowrap; }
        .cert { display: block; font-size: 8pt; color: #333; }
        .cut { display: block; font-size: 8pt; }
        h2 { font-size: 12pt; margin: 6mm 0 1mm; border-bottom: 1.2pt solid #000; padding-bottom: .8mm; break-after: avoid; page-break-after: avoid; }
        h2 .req { font-size: 9.5pt; font-weight: normal; margin-left: 5mm; }
        h3 { font-size: 10pt; margin: 3mm 0 1mm; break-after: avoid; page-break-after: avoid; }
        .rules { margin: 0; font-size: 9pt; }
        .totals { margin: 1.5mm 0; }
        .status { margin-left: 5mm; }
        .trims { margin: 1mm 0; padding-left: 6mm; font-size: 9pt; }
        .notes { font-size: 8.5pt; margin-top: 5mm; }
        .notes ol { margin: 1mm 0; padding-left: 6mm; }
        .sign { margin-top: 6mm; break-inside: avoid; page-break-inside: avoid; }
        .sign td { vertical-align: bottom; border: none; }
        .sign p { margin: 1.5mm 0; }
        .seal-cell { width: 46mm; }
        .seal { width: 42mm; height: 42mm; border: 0.8pt dashed #777; border-radius: 50%; color: #777; font-size: 9pt;
          text-align: center; line-height: 42mm; margin-left: auto; }
        .fp { font-family: "DejaVu Sans Mono", "Consolas", monospace; font-size: 8.5pt; }

        """
}
