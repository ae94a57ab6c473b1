import CeledgerDomain

/// The words a card prints, in the user's language (Chinese by default: the card is an official proof).
struct CardWords {
    let lang: Lang
    var zh: Bool { lang == .zh }
    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    var title: String { t("继续教育学时证明", "Continuing Education Record Card") }
    var subtitle: String { t("专业技术人员继续教育登记卡", "Certificate of continuing-education hours") }
    var draft: String { t("草稿：未编号，不作证明使用", "DRAFT: not numbered, not valid as a proof") }

    func number(_ issue: CardIssue) -> String { issue.number ?? t("（草稿，未编号）", "(draft, not numbered)") }

    func date(_ d: Day) -> String { zh ? "\(d.year)年\(d.month)月\(d.day)日" : d.iso }

    func years(_ card: RecordCard) -> String {
        card.firstYear == card.lastYear
            ? t("\(card.firstYear)年度", "\(card.firstYear)")
            : t("\(card.firstYear)—\(card.lastYear)年度", "\(card.firstYear)–\(card.lastYear)")
    }

    func gender(_ g: Gender) -> String { g.label(lang) }

    func titleAndLevel(_ p: Person) -> String {
        let level = p.titleLevel.map { $0.label(lang) }
        switch (p.title.isEmpty, level) {
        case (true, nil): return "—"
        case (true, let l?): return l
        case (false, nil): return p.title
        case (false, let l?): return zh ? "\(p.title)（\(l)）" : "\(p.title) (\(l))"
        }
    }

    func dash(_ s: String) -> String { s.isEmpty ? "—" : s }

    func span(_ r: Record) -> String {
        if r.startDate == r.endDate { return r.startDate.iso }
        return r.startDate.iso + "~" + (r.startDate.year == r.endDate.year ? String(r.endDate.iso.dropFirst(5)) : r.endDate.iso)
    }

    func category(_ c: Category) -> String { zh ? c.shortZh : (c == .public ? "public" : "prof.") }

    func assessment(_ r: Record) -> String {
        let a = r.assessment.label(lang)
        guard let s = r.score else { return a }
        return zh ? "\(a)（\(s)分）" : "\(a) (\(s))"
    }

    /// "应修 90 学时，其中专业科目不少于 60 学时".
    func requirement(_ t: AnnualTotals) -> String {
        var s =
            zh
            ? "应修 \(t.requiredHours.compact) 学时，其中专业科目不少于 \(t.requiredProfessionalHours.compact) 学时"
            : "required \(t.requiredHours.compact) hours, at least \(t.requiredProfessionalHours.compact) of them professional"
        if let p = t.thresholds.publicHours {
            s += zh ? "、公需科目不少于 \(p.compact) 学时" : " and \(p.compact) public"
        }
        return s
    }

    /// "达标", "未达标：合计尚差 60.0 学时", "不在职，不作要求".
    func status(_ y: CardYear) -> String {
        guard y.required else { return t("当年不在职，不作要求", "not in post that year; not required") }
        switch y.totals.shortage {
        case .none: return t("达标", "met")
        case .total(let h): return t("未达标（合计尚差 \(h) 学时）", "short (\(h) hours short of the total)")
        case .professionalOnly(let h): return t("未达标（专业科目尚差 \(h) 学时）", "short (\(h) professional hours missing)")
        case .publicOnly(let h): return t("未达标（公需科目尚差 \(h) 学时）", "short (\(h) public hours missing)")
        }
    }

    func shortStatus(_ y: CardYear) -> String {
        guard y.required else { return t("不作要求", "not required") }
        return y.totals.shortage.label(lang)
    }

    func totalsLine(_ y: CardYear) -> String {
        let t = y.totals
        return zh
            ? "公需 \(t.publicHours) 学时 · 专业 \(t.professionalHours) 学时 · 合计 \(t.totalHours) 学时"
            : "public \(t.publicHours) · professional \(t.professionalHours) · total \(t.totalHours) hours"
    }

    /// "网络学习每年最多 45 学时：扣减 5.0 学时（第 3 项扣 5.0）".
    func trim(_ c: CardTrim) -> String {
        let items = c.items.map { zh ? "第 \($0.item) 项扣 \($0.hours)" : "item \($0.item) −\($0.hours)" }
        return zh
            ? "\(c.cap.describe(.zh))：扣减 \(c.hours) 学时（\(items.joined(separator: "，"))）"
            : "\(c.cap.describe(.en)): \(c.hours) hours trimmed (\(items.joined(separator: ", ")))"
    }

    func notCounted(_ l: CardLine) -> String {
        guard let why = l.notCounted else { return "" }
        let base: String =
            switch why {
            case .pending: t("待认定，不计入", "pending recognition, not counted")
            case .rejected: t("不予认定，不计入", "recognition refused, not counted")
            case .failed: t("考核不合格，不计入", "assessment failed, not counted")
            }
        let note = l.record.recognitionNote.trimmedField
        return note.isEmpty || why != .rejected ? base : base + (zh ? "（\(note)）" : " (\(note))")
    }

    var notes: [String] {
        [
            t("学时按活动结束日期计入当年，不结转。", "Hours count in the year the activity ended and never carry over."),
            t(
                "只计入已认定、且考核不是“不合格”的学时；待认定、不予认定和考核不合格的活动另列，不计学时。",
                "Only recognised hours of activities not failed count; pending, rejected and failed activities are listed apart and add no hours."
            ),
            t(
                "超过规则年度上限的学时按结束日期顺序扣减，并逐项注明。",
                "Hours over a rule set's per-year cap are trimmed in end-date order, item by item as noted."),
            t(
                "本证明由继续教育登记簿生成，证明编号与内容校验码可向出具单位核对。",
                "Generated from the continuing-education ledger; the certificate number and content fingerprint can be checked with the issuing unit."
            ),
        ]
    }

    func issued(_ issue: CardIssue) -> String {
        var s = date(issue.issuedOn)
        if issue.printedOn != issue.issuedOn && issue.number != nil {
            s += zh ? "（\(date(issue.printedOn))重印）" : " (reprinted \(date(issue.printedOn)))"
        }
        return s
    }
}
