import CeledgerDomain
import CeledgerText

/// The card as plain text, 80 cells wide (an A4 page in a monospaced font), columns lined up by display
/// width and long cells wrapped, never cut.
public enum CardText {
    public static let width = 80

    public static func render(_ card: RecordCard, issue: CardIssue, lang: Lang) -> String {
        let w = CardWords(lang: lang)
        let zh = w.zh
        var out: [String] = []
        func centred(_ s: String) -> String {
            let pad = max(0, (width - s.displayWidth) / 2)
            return String(repeating: " ", count: pad) + s
        }
        /// "label：value" pairs on one line, each in a slot of `slot` cells, wrapping to more lines when long.
        func fields(_ pairs: [(String, String)], slot: Int = 26) {
            var line = ""
            for (i, (label, value)) in pairs.enumerated() {
                let item = label + (zh ? "：" : ": ") + value
                if !line.isEmpty && line.displayWidth + item.displayWidth > width {
                    out.append(line.trimmingTrailingSpaces)
                    line = ""
                }
                let last = i == pairs.count - 1
                line += last || item.displayWidth >= slot ? item + "  " : item.fitted(toWidth: slot)
            }
            if !line.isEmpty {
                for l in wrap(line.trimmingTrailingSpaces, width: width) { out.append(l) }
            }
        }
        let heavy = String(repeating: "=", count: width)

        out.append(centred(w.title))
        out.append(centred(w.subtitle).trimmingTrailingSpaces)
        if issue.number == nil { out.append(centred("【" + w.draft + "】")) }
        out.append("")
        let numberText = w.t("证明编号：", "Certificate no.: ") + w.number(issue)
        let dateText = w.t("签发日期：", "Issued: ") + w.issued(issue)
        out.append(
            numberText + String(repeating: " ", count: max(2, width - numberText.displayWidth - dateText.displayWidth)) + dateText
        )
        out.append("")
        let p = card.person
        fields([
            (w.t("姓名", "Name"), p.name), (w.t("性别", "Gender"), w.gender(p.gender)),
            (w.t("出生日期", "Born"), p.birthDate.iso),
        ])
        fields([(w.t("身份证号", "ID number"), p.id.value)])
        fields([(w.t("工作单位", "Unit"), w.dash(p.unit))])
        fields([
            (w.t("部门", "Department"), w.dash(p.department)), (w.t("职称", "Title"), w.titleAndLevel(p)),
            (w.t("专业", "Specialty"), w.dash(p.specialty)),
        ])
        fields([(w.t("证明年度", "Years"), w.years(card))])
        out += hanging(w.t("依据：", "Rules: "), card.ruleSets.map { $0.name.text(lang) })

        for y in card.years {
            out.append("")
            out.append(heavy)
            out.append(w.t("\(y.year)年度", "\(y.year)") + "  " + w.requirement(y.totals))
            if card.ruleSets.count > 1 {
                out += hanging(w.t("依据：", "Rules: "), [y.ruleSet.name.text(lang)])
            }
            out.append("")
            if y.counted.isEmpty {
                out.append(w.t("本年度没有计入学时的活动。", "No activity counts in this year."))
            } else {
                out += countedTable(y, w).render()
            }
            out.append("")
            out += hanging(w.t("合计：", "Totals: "), [w.totalsLine(y)])
            out += hanging(w.t("结论：", "Result: "), [w.status(y)])
            if !y.trims.isEmpty {
                out += hanging(
                    w.t("扣减：", "Trimmed: "),
                    y.trims.map { w.trim($0) }
                        + [
                            w.t(
                                "（学时栏为认定学时，“扣”为超过年度上限不计入的学时）",
                                "(the hours column shows recognised hours; − marks hours over a per-year cap, not counted)")
                        ])
            }
            if !y.notCounted.isEmpty {
                out.append("")
                out.append(w.t("未计入学时的活动（不计学时，仅作记录）：", "Activities that add no hours (listed for the record only):"))
                out += notCountedTable(y, w).render()
            }
        }

        if card.years.count > 1 {
            out.append("")
            out.append(heavy)
            out.append(w.t("各年度汇总", "Summary by year"))
            var table = WrapTable(columns: [
                .init(w.t("年度", "Year"), width: 6), .init(w.t("公需", "Public"), width: 8, align: .right),
                .init(w.t("专业", "Prof."), width: 8, align: .right), .init(w.t("合计", "Total"), width: 8, align: .right),
                .init(w.t("应修", "Required"), width: 8, align: .right), .init(w.t("状态", "Status"), width: 32),
            ])
            for y in card.years {
                let t = y.totals
                table.append([
                    String(y.year), t.publicHours.description, t.professionalHours.description, t.totalHours.description,
                    t.requiredHours.description, w.shortStatus(y),
                ])
            }
            out += table.render()
            let win = card.window
            out.append(
                w.t(
                    "合计 \(win.windowTotalHours) 学时；应达标 \(win.yearsRequired) 年，达标 \(win.yearsMet) 年",
                    "\(win.windowTotalHours) hours in all; \(win.yearsMet) of \(win.yearsRequired) required years met"))
        }

        if !card.proof.isEmpty {
            out.append("")
            out.append(heavy)
            out.append(w.t("证明材料（文件名与 SHA-256，可用于核对所附文件）", "Proof (file name and SHA-256, to check the files attached)"))
            for f in card.proof {
                for (k, l) in wrap("\(f.year) \(f.title)（\(f.startDate.iso)~\(f.endDate.iso)）：\(f.name)", width: width - 2)
                    .enumerated()
                {
                    out.append((k == 0 ? "- " : "  ") + l)
                }
                out.append("  SHA-256 \(f.sha256)")
            }
        }

        out.append("")
        out.append(heavy)
        out.append(w.t("说明：", "Notes:"))
        for (i, n) in w.notes.enumerated() {
            let lead = "\(i + 1). "
            for (k, l) in wrap(n, width: width - lead.count).enumerated() {
                out.append((k == 0 ? lead : String(repeating: " ", count: lead.count)) + l)
            }
        }
        out.append("")

        // The issuer, the clerk and the date on the left; the place for the seal on the right.
        let leftWidth = 52
        var left: [String] = []
        left += wrap(w.t("出具单位（盖章）：", "Issued by (seal): ") + card.issuer, width: leftWidth)
        left.append(w.t("经办人：", "Clerk: ") + issue.issuedBy)
        left.append(w.t("签发日期：", "Date: ") + w.issued(issue))
        left.append(w.t("内容校验码：", "Fingerprint: ") + fingerprint(card.digest))
        if let h = issue.history { left.append(w.t("登记簿历史：", "Ledger history: ") + h.line.text(w.lang)) }
        let boxWidth = 22
        let inner = boxWidth - 2
        var box = ["┌" + String(repeating: "─", count: inner) + "┐"]
        for i in 0..<5 {
            box.append(
                "│"
                    + (i == 2
                        ? w.t("（单位盖章）", "(unit seal)").fitted(toWidth: inner, align: .center)
                        : String(repeating: " ", count: inner)) + "│")
        }
        box.append("└" + String(repeating: "─", count: inner) + "┘")
        for i in 0..<max(left.count, box.count) {
            let l = (i < left.count ? left[i] : "").fitted(toWidth: width - boxWidth - 2)
            out.append((l + "  " + (i < box.count ? box[i] : "")).trimmingTrailingSpaces)
        }
        return out.map(\.trimmingTrailingSpaces).joined(separator: "\n") + "\n"
    }

    /// "label：value", each value on its own lines, continuation lines indented under the first value.
    static func hanging(_ label: String, _ values: [String]) -> [String] {
        let indent = label.displayWidth
        var out: [String] = []
        for v in values {
            for l in wrap(v, width: width - indent) {
                out.append((out.isEmpty ? label : String(repeating: " ", count: indent)) + l)
            }
        }
        return out
    }

    /// The first 16 hex digits of the digest in groups of four: enough for a person to compare.
    public static func fingerprint(_ digest: String) -> String {
        let head = Array(digest.prefix(16))
        return stride(from: 0, to: head.count, by: 4).map { String(head[$0..<min($0 + 4, head.count)]) }.joined(separator: " ")
    }

    /// The year's activities that count: mode and category share a column (two lines), so that content
    /// and provider keep room in 80 cells.
    static func countedTable(_ y: CardYear, _ w: CardWords) -> WrapTable {
        let f = w.zh ? [4, 11, 8, 6, 6] : [3, 11, 9, 9, 6]  // number, dates, mode/category, assessment, hours
        let rest = width - f.reduce(0, +) - 2 * 6
        let content = rest * 3 / 5
        var t = WrapTable(columns: [
            .init(w.t("序号", "No."), width: f[0], align: .right), .init(w.t("学习内容", "Content"), width: content),
            .init(w.t("举办单位", "Provider"), width: rest - content), .init(w.t("起止日期", "Dates"), width: f[1]),
            .init(w.t("方式类别", "Mode/cat."), width: f[2]), .init(w.t("考核", "Exam"), width: f[3]),
            .init(w.t("学时", "Hours"), width: f[4], align: .right),
        ])
        for (i, l) in y.counted.enumerated() {
            let r = l.record
            var content = r.title
            if !r.certificateNo.isEmpty { content += "\n" + w.t("证书 ", "cert. ") + r.certificateNo }
            var hours = (r.recognizedHours ?? .zero).description
            if l.trimmedHours != .zero { hours += "\n" + w.t("扣", "−") + l.trimmedHours.description }
            t.append([String(i + 1), content, w.dash(r.provider), dates(r), modeAndCategory(r, w), assessment(r, w), hours])
        }
        return t
    }

    static func notCountedTable(_ y: CardYear, _ w: CardWords) -> WrapTable {
        let f = w.zh ? [4, 11, 8, 6] : [3, 11, 9, 7]  // number, dates, mode/category, claimed
        let rest = width - f.reduce(0, +) - 2 * 5
        let content = rest / 2
        var t = WrapTable(columns: [
            .init(w.t("序号", "No."), width: f[0], align: .right), .init(w.t("学习内容", "Content"), width: content),
            .init(w.t("起止日期", "Dates"), width: f[1]), .init(w.t("方式类别", "Mode/cat."), width: f[2]),
            .init(w.t("申报", "Claimed"), width: f[3], align: .right), .init(w.t("说明", "Why"), width: rest - content),
        ])
        for (i, l) in y.notCounted.enumerated() {
            let r = l.record
            t.append([String(i + 1), r.title, dates(r), modeAndCategory(r, w), r.claimedHours.description, w.notCounted(l)])
        }
        return t
    }

    static func modeAndCategory(_ r: Record, _ w: CardWords) -> String {
        r.mode.label(w.lang) + "\n" + w.category(r.category)
    }

    /// "2024-03-04" and "~03-10" on two lines of an 11-cell column.
    static func dates(_ r: Record) -> String {
        if r.startDate == r.endDate { return r.startDate.iso }
        return r.startDate.iso + "\n~" + (r.startDate.year == r.endDate.year ? String(r.endDate.iso.dropFirst(5)) : r.endDate.iso)
    }

    static func assessment(_ r: Record, _ w: CardWords) -> String {
        let a = r.assessment.label(w.lang)
        guard let s = r.score else { return a }
        return a + "\n" + (w.zh ? "\(s)分" : s)
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
