/// What a record cannot be, whatever file or form it comes from: the rules that keep hours that cannot be
/// true out of the totals that decide promotions. Pure, with "today" handed in, so that the import, the
/// forms, class registration and `check` judge a record by the same words and a test can fix the day.
///
/// Refused (`problems`):
/// - recognised while the activity has not ended (end date after today): it may be registered as pending
///   (a class announced ahead, Art. 16), not recognised;
/// - more hours, claimed or recognised, than 24 for each day of the activity's span, for activities
///   counted by time (`isCountedByTime`);
/// - more hours recognised than were claimed without a reason in the recognition note.
///
/// Listed, not refused (`farFromSuggestion`): recognised hours more than `farFactor` times the rule's
/// suggestion, or less than a `farFactor`-th of it. The rule files give no tolerance, so the factor is
/// the ledger's own (documented in docs/rules.md); such a figure is usually a typo (160 for 16), but may
/// be a reviewer's considered decision, which the reason in the note records.
public enum Plausibility {
    /// A day has 24 hours: no activity counted by time can hold more.
    public static let maxHoursPerDay = Hours(whole: 24)
    /// "Far" from the suggestion: more than twice it, or less than half of it.
    public static let farFactor = 2

    /// Whether a record's hours measure time spent, so that its span bounds them. A record judged by a
    /// conversion per day, per half day or by actual hours is; one judged by a fixed figure per item, per
    /// passed course or by rank is not (a research project ranked first gets 64 hours for a one-day
    /// entry, a passed exam 40). Without a conversion (no rule set, or a mode the set gives none), the
    /// mode says it: training, practice and online learning are attendance; academic activities, degree
    /// education and "other" may be credited by item.
    public static func isCountedByTime(mode: Mode, conversion: Conversion?) -> Bool {
        if let conversion {
            switch conversion.method {
            case .perDay, .perHalfDay, .actual: return true
            case .fixed, .perCourse, .byRank: return false
            }
        }
        return mode == .training || mode == .practice || mode == .online
    }

    /// The conversion a record is judged by in the rule set of its year: its basis, else the mode's default.
    public static func conversion(of r: Record, rules: RuleBook?) -> Conversion? {
        guard let set = rules?.ruleSet(for: r.year) else { return nil }
        if let b = r.basis, !b.trimmedField.isEmpty, let c = set.conversion(named: b), c.mode == r.mode { return c }
        return set.defaultConversion(for: r.mode)
    }

    /// What makes the record impossible to accept, each named by the field to correct.
    public static func problems(_ r: Record, today: Day, rules: RuleBook?) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if r.recognition == .recognized && r.endDate > today {
            issues.append(
                FieldIssue(
                    .recognition,
                    Message(
                        zh: "活动尚未结束（\(r.endDate.iso) 结束，今天 \(today.iso)），只能登记为待认定",
                        en:
                            "the activity has not ended (end date \(r.endDate.iso) is after today, \(today.iso)): register it as pending and recognise it once it has ended"
                    )))
        }
        if isCountedByTime(mode: r.mode, conversion: conversion(of: r, rules: rules)) {
            let days = max(1, r.startDate.days(through: r.endDate))
            let most = maxHoursPerDay * days
            func span(_ field: Field, _ h: Hours, _ zh: String, _ en: String) {
                guard h > most else { return }
                issues.append(
                    FieldIssue(
                        field,
                        Message(
                            zh:
                                "\(zh)\(h.compact) 超过活动时间所能容纳的 \(most.compact)（\(r.startDate.iso) 至 \(r.endDate.iso) 共 \(days) 天，每天至多 24 小时）",
                            en:
                                "\(en) \(h.compact) are more than the activity's span can hold, \(most.compact) (\(days) day\(days == 1 ? "" : "s") from \(r.startDate.iso) to \(r.endDate.iso), 24 hours a day at most)"
                        )))
            }
            span(.claimedHours, r.claimedHours, "申报学时", "claimed hours")
            if let h = r.recognizedHours { span(.recognizedHours, h, "认定学时", "recognised hours") }
        }
        if let m = moreThanClaimedWithoutReason(r) { issues.append(FieldIssue(.recognitionNote, m)) }
        return issues
    }

    /// Recognising more than was claimed is an override of the person's own figure: it needs its reason
    /// in the recognition note (the form's words, the import's and the class registration's alike).
    public static func moreThanClaimedWithoutReason(_ r: Record) -> Message? {
        guard r.recognition == .recognized, let h = r.recognizedHours, h > r.claimedHours,
            r.recognitionNote.trimmedField.isEmpty
        else { return nil }
        return Message(
            zh: "认定学时（\(h)）多于申报学时（\(r.claimedHours)），须在“认定说明”中写明理由",
            en: "more hours recognised (\(h)) than claimed (\(r.claimedHours)); give the reason in the recognition note")
    }

    /// Recognised hours far from what the rule suggested, in words, or nil when they are near it (or
    /// there is nothing to compare).
    public static func farFromSuggestion(_ r: Record) -> Message? {
        guard r.recognition == .recognized, let h = r.recognizedHours, let s = r.suggestedHours, s > .zero else { return nil }
        guard h.tenths > s.tenths * farFactor || h.tenths * farFactor < s.tenths else { return nil }
        return Message(
            zh: "认定学时 \(h.compact) 与规则建议的 \(s.compact) 相差悬殊（超过 \(farFactor) 倍），请核对",
            en:
                "recognised hours \(h.compact) are far from the rule's suggestion, \(s.compact) (more than \(farFactor)×); check them"
        )
    }
}
