import CeledgerDomain
import CeledgerSheets

/// A class file read: `key,value` lines giving the activity (any record column but the ID number), then a
/// participants table whose header starts with the ID number column, one person a line, each line's own
/// cells (assessment, score, hours…) overriding the class's. This is the file's side of a class import;
/// the store looks the participants up and writes their records.
public struct ClassFile: Sendable {
    /// Columns a participant line may carry; the activity itself (mode, category, content, provider,
    /// dates, conversion) belongs to the class lines.
    public static let participantFields: Set<Field> = [
        .idNumber, .assessment, .score, .claimedHours, .recognizedHours, .recognition, .recognitionNote, .certificateNo, .note,
        .role, .quantity,
    ]
    public static let participantNameHeaders: Set<String> = ["name", "姓名"]

    /// The class as read from its lines, with a stand-in person.
    public let record: CeledgerDomain.Record
    /// The participants' header line.
    public let header: CSVRow
    /// The participants' name column, if any: checked against the ledger, never stored.
    public let nameColumn: Int?
    private let classCells: [Field: String]
    private let classLine: [Field: ClassLine]
    private let map: [Field?]
    private let seen: [Field: String]
    private let lang: Lang
    private let parser: RowParser

    private struct ClassLine: Sendable {
        let line: Int
        let key: String
    }

    /// What is wrong with the class lines or the participants' header: nothing can be imported.
    public struct Problems: Error, Sendable {
        public let errors: [RowError]
        /// The class, when its lines were right and only the header was wrong.
        public let record: CeledgerDomain.Record?
    }

    /// The class's details given outside the file (the command line's `--mode`, `--title`…), each with the
    /// name it was given by, for messages. A file with them may be a plain sign-in sheet: a title above the
    /// participants' header, columns the ledger does not use, a total row.
    public struct Given: Sendable {
        public var cells: [Field: String] = [:]
        public var names: [Field: String] = [:]
        public init() {}
        public mutating func set(_ f: Field, _ value: String?, name: String) {
            guard let value else { return }
            cells[f] = value
            names[f] = name
        }
        public var isEmpty: Bool { cells.isEmpty }
    }

    /// Columns of a sign-in sheet the import read past (序号, 科室, 签名…), as written.
    public let ignoredColumns: [String]
    /// Whether the class came (partly) from outside the file: the sheet may then be a plain sign-in sheet.
    public let signInSheet: Bool

    /// Reads the class lines and the participants' header from `reader`, which is then at the first
    /// participant.
    /// `today`: the day the class is judged on (`Plausibility`; nil judges no plausibility, for tests of the
    /// file's shape alone).
    public static func read(
        from reader: any RowSource, rules: RuleBook?, today: Day?, given: Given = Given()
    ) -> Result<ClassFile, Problems> {
        var errors: [RowError] = []
        let sheet = !given.isEmpty
        // The class lines, up to the participants' header.
        var classCells: [Field: String] = given.cells
        var classLine: [Field: ClassLine] = given.names.mapValues { ClassLine(line: 0, key: $0) }
        var header: CSVRow?
        var firstLine = 1
        var chinese = false
        do {
            while let row = try reader.next() {
                let cells = row.fields.map { CSVWriter.plain($0).trimmedField }
                guard let key = cells.first, !cells.allSatisfy(\.isEmpty) else { continue }
                if key.hasPrefix("#") { continue }
                if classLine.values.allSatisfy({ $0.line == 0 }) { firstLine = row.line }
                let field = Field.fromHeader(key, kind: .record)
                // The participants' header: its first cell the ID number, or on a sign-in sheet any cell.
                if field == .idNumber
                    || (sheet && cells.contains { Field.fromHeader($0, kind: .record) == .idNumber })
                {
                    header = row
                    break
                }
                // A sign-in sheet's title rows above the header.
                if sheet && (field == nil || cells.dropFirst(2).contains { !$0.isEmpty }) { continue }
                if key.unicodeScalars.contains(where: { !$0.isASCII }) { chinese = true }
                guard let field else {
                    errors.append(
                        RowError(
                            line: row.line, column: key.truncatedForMessage,
                            message: Message(
                                zh:
                                    "未知的项目“\(key)”（培训班信息每行为“项目,内容”；参加人员表以“身份证号”列开头；只有签到表的，可用 --mode、--category、--title、--end-date 等选项给出培训信息）",
                                en:
                                    "unknown key \"\(key)\" (class lines are key,value; the participants table starts with an id_number column; for a plain sign-in sheet give the class with --mode, --category, --title, --end-date…)"
                            )))
                    continue
                }
                if let first = classLine[field], first.line == 0 {
                    errors.append(
                        RowError(
                            line: row.line, column: key,
                            message: Message(
                                zh: "“\(key)”在文件中和命令行（\(first.key)）都给出了；请只保留一处",
                                en: "\"\(key)\" is given both in the file and on the command line (\(first.key)); keep one")))
                    continue
                }
                if let first = classLine[field] {
                    errors.append(
                        RowError(
                            line: row.line, column: key,
                            message: Message(
                                zh: "与第\(first.line)行的“\(first.key)”重复", en: "repeats \"\(first.key)\" of line \(first.line)")))
                    continue
                }
                if cells.count > 2, cells.dropFirst(2).contains(where: { !$0.isEmpty }) {
                    errors.append(
                        RowError(
                            line: row.line, column: key,
                            message: Message(
                                zh: "培训班信息每行只有“项目,内容”两格", en: "a class line has two cells: key,value")))
                    continue
                }
                classCells[field] = cells.count > 1 ? cells[1] : ""
                classLine[field] = ClassLine(line: row.line, key: key)
            }
        } catch {
            return .failure(Problems(errors: errors + [RowError(error)], record: nil))
        }
        guard let header else {
            return .failure(
                Problems(
                    errors: errors + [
                        RowError(
                            line: firstLine, column: "",
                            message: Message(
                                zh: "没有参加人员表（以“身份证号”列开头的表头行）", en: "no participants table (a header line starting with id_number)"
                            ))
                    ],
                    record: nil))
        }
        // The participants' columns.
        var map: [Field?] = []
        var nameColumn: Int?
        var seen: [Field: String] = [:]
        var ignored: [String] = []
        for (i, raw) in header.fields.enumerated() {
            let h = CSVWriter.plain(raw).trimmedField
            if h.unicodeScalars.contains(where: { !$0.isASCII }) { chinese = true }
            if h.isEmpty || HeaderMap.annotationHeaders.contains(h.lowercased()) {
                map.append(nil)
                continue
            }
            if participantNameHeaders.contains(h.lowercased()) {
                if nameColumn != nil {
                    errors.append(
                        RowError(
                            line: header.line, column: h, message: Message(zh: "姓名列重复", en: "the name column is given twice")))
                }
                nameColumn = i
                map.append(nil)
                continue
            }
            guard let f = Field.fromHeader(h, kind: .record) else {
                map.append(nil)
                if sheet {
                    ignored.append(h)
                    continue
                }
                errors.append(
                    RowError(
                        line: header.line, column: h.truncatedForMessage,
                        message: Message(
                            zh: "未知的列“\(h)”（签到表可用 --mode、--title 等选项给出培训信息，其余列即被忽略）",
                            en:
                                "unknown column \"\(h)\" (a sign-in sheet takes the class from --mode, --title…, and its other columns are ignored)"
                        )))
                continue
            }
            if !participantFields.contains(f) {
                errors.append(
                    RowError(
                        line: header.line, column: h,
                        message: Message(
                            zh: "“\(h)”属于培训班信息，应写在上方的“项目,内容”行中，不能每人不同",
                            en: "\"\(h)\" belongs to the class lines above (key,value), not to each participant")))
                map.append(nil)
                continue
            }
            if let first = seen[f] {
                errors.append(
                    RowError(
                        line: header.line, column: h,
                        message: Message(zh: "与“\(first)”重复（同一列）", en: "repeats column \"\(first)\"")))
            }
            seen[f] = h
            map.append(f)
        }
        let lang: Lang = chinese ? .zh : .en
        func label(_ f: Field) -> String { seen[f] ?? classLine[f]?.key ?? f.label(lang, in: .record) }

        // The class alone, with a stand-in person: what is wrong with it is wrong for everyone.
        let parser = RowParser(rules: rules, today: today)
        // The probe for a suggestion judges no plausibility: its claimed hours are stand-ins.
        let probeParser = RowParser(rules: rules)
        let standIn = ResidentID.make(region: "110105", birth: Day(year: 1949, month: 12, day: 31)!, sequence: 2)
        // Claimed hours left out: the rule's suggestion, when it does not depend on them (by day, per item).
        if classCells[.claimedHours] == nil && classCells[.recognizedHours] == nil && seen[.claimedHours] == nil
            && seen[.recognizedHours] == nil
        {
            func suggested(_ claimed: String) -> Suggestion?? {
                var p = classCells
                p[.idNumber] = standIn.value
                p[.claimedHours] = claimed
                guard case .success(let r) = probeParser.record(p) else { return nil }
                return .some(parser.suggestion(for: r))
            }
            // (A class that does not parse even with hours is reported below, as it is.)
            if let a = suggested("1"), let b = suggested("2") {
                if let a, let b, a.hours == b.hours, a.conversionID != nil {
                    classCells[.claimedHours] = a.hours.description
                    classLine[.claimedHours] = ClassLine(line: 0, key: "--claimed-hours")
                } else {
                    errors.append(
                        RowError(
                            line: sheet ? 0 : firstLine, column: sheet ? "--claimed-hours" : "",
                            message: Message(
                                zh: "缺少申报学时：此学习方式按实际学时计，规则不能代为建议；请用 --claimed-hours 给出（或在文件中写“申报学时”）",
                                en:
                                    "claimed hours are missing: this mode counts actual hours, so the rule cannot suggest them; give --claimed-hours (or a claimed_hours line in the file)"
                            )))
                    return .failure(Problems(errors: errors, record: nil))
                }
            }
        }
        var probe = classCells
        probe[.idNumber] = standIn.value
        var record: CeledgerDomain.Record?
        switch parser.record(probe) {
        case .success(let r): record = r
        case .failure(let p):
            for issue in p.issues where seen[issue.field] == nil {
                let at = classLine[issue.field]
                errors.append(
                    RowError(line: at?.line ?? firstLine, column: at?.key ?? label(issue.field), message: issue.message))
                // (line 0: the value came from the command line, and the key is its option.)
            }
        }
        guard errors.isEmpty, let record else { return .failure(Problems(errors: errors, record: record)) }
        return .success(
            ClassFile(
                record: record, header: header, nameColumn: nameColumn, classCells: classCells, classLine: classLine,
                map: map, seen: seen, lang: lang, parser: parser, ignoredColumns: ignored, signInSheet: sheet))
    }

    /// The column a field's problems are named by: as headed in the participants' table, else the class
    /// line's key, else the field's name in the file's language.
    public func label(_ f: Field) -> String { seen[f] ?? classLine[f]?.key ?? f.label(lang, in: .record) }

    /// One participant line, merged with the class and parsed.
    public struct Participant: Sendable {
        /// The participant's record, when the line parses.
        public let record: CeledgerDomain.Record?
        /// What is wrong with the line itself.
        public let errors: [RowError]
        /// The name the line gives (trimmed, not empty), to compare with the ledger's.
        public let name: String?
    }

    /// The participant of a line; nil for a blank or comment line, which is no participant.
    public func participant(_ row: CSVRow) -> Participant? {
        let cells = row.fields.map { CSVWriter.plain($0) }
        if cells.allSatisfy({ $0.trimmedField.isEmpty }) || cells.first?.trimmedField.hasPrefix("#") == true { return nil }
        // A sign-in sheet's total row, or a numbered line with nobody on it.
        if signInSheet {
            if RosterSource.totalCell(cells) != nil { return nil }
            let used = map.indices.filter { map[$0] != nil || $0 == nameColumn }
            if used.allSatisfy({ $0 >= cells.count || cells[$0].trimmedField.isEmpty }) { return nil }
        }
        var errors: [RowError] = []
        func fail(_ column: String, _ m: Message) { errors.append(RowError(line: row.line, column: column, message: m)) }
        if cells.count > map.count, cells[map.count...].contains(where: { !$0.trimmedField.isEmpty }) {
            fail(
                "", Message(zh: "有\(cells.count)列，表头有\(map.count)列", en: "has \(cells.count) fields, the header has \(map.count)")
            )
        }
        var merged = classCells
        for (i, f) in map.enumerated() {
            guard let f, i < cells.count else { continue }
            let v = cells[i].trimmedField
            if f == .idNumber || !v.isEmpty { merged[f] = v }
        }
        var record: CeledgerDomain.Record?
        switch parser.record(merged) {
        case .success(let r): record = r
        case .failure(let p): for issue in p.issues { fail(label(issue.field), issue.message) }
        }
        var name: String?
        if let c = nameColumn, c < cells.count, !cells[c].trimmedField.isEmpty { name = cells[c].trimmedField }
        return Participant(record: record, errors: errors, name: name)
    }

    /// The participant is not in the ledger.
    public func notInLedger(_ record: CeledgerDomain.Record, line: Int) -> RowError {
        RowError(
            line: line, column: label(.idNumber),
            message: Message(
                zh: "登记簿中没有此人（\(record.personID.masked)），请先导入人员",
                en: "no person with this ID number (\(record.personID.masked)) in the ledger; import persons first"))
    }

    /// The line's name is not the ledger's for its ID number.
    public func nameDiffers(_ given: String, stored: String, line: Int) -> RowError {
        RowError(
            line: line, column: header.fields[nameColumn!].trimmedField,
            message: Message(
                zh: "姓名“\(given)”与登记簿中此身份证号的姓名“\(stored)”不符",
                en: "name \"\(given)\" differs from the ledger's name for this ID number (\(stored))"))
    }

    /// The participant already has this class.
    public func duplicate(line: Int) -> RowError {
        RowError(
            line: line, column: label(.idNumber),
            message: Message(
                zh: "重复：此人已登记此培训（方式、内容、起止日期相同），已跳过",
                en: "duplicate: this person already has this class (same mode, title and dates); skipped"))
    }

    /// The participants' table has nobody.
    public var nobody: RowError {
        RowError(line: header.line, column: "", message: Message(zh: "参加人员表没有人员", en: "the participants table lists nobody"))
    }
}
