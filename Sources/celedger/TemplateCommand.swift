import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import Foundation

enum TemplateFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, xlsx
}

/// Empty import files with the Chinese headers a clerk fills in: the same as data/templates/*.csv.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Write an empty import template with Chinese headers (CSV with a byte-order mark, or XLSX with instructions).",
        discussion: """
            The CSV templates are also in data/templates/. The XLSX template formats the ID-number column as \
            text (so Excel keeps all 18 digits) and explains every column on a second sheet.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "persons or records")
    var kind: ImportKind

    @Option(name: .long, help: "csv or xlsx")
    var format: TemplateFormat = .csv

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    /// The template's columns: every column import reads, but not gender (it comes from the ID number).
    static func fields(_ kind: RowKind) -> [Field] {
        Field.fields(for: kind).filter { $0 != .gender }
    }

    static func columns(_ kind: RowKind) -> [TableColumn] {
        fields(kind).map { f in
            let width: Int
            switch f {
            case .idNumber: width = 20
            case .title where kind == .record: width = 30
            case .unit, .provider, .note, .recognitionNote: width = 24
            case .startDate, .endDate, .statusDate, .certificateNo: width = 12
            default: width = 0
            }
            return TableColumn(f.zh(in: kind), ExportShape.columnKind(of: f), minWidth: width)
        }
    }

    /// The CSV template: the header line, UTF-8 with a byte-order mark, CRLF.
    static func csv(_ kind: RowKind) -> String {
        "\u{FEFF}" + CSVWriter.line(columns(kind).map(\.name))
    }

    func run() throws {
        switch format {
        case .csv:
            var out = try OutputSink(path: output)
            out.write(Self.csv(kind.rowKind))
            try out.close()
        case .xlsx:
            let writer = try SpreadsheetOutput.xlsx(output, sheet: kind == .persons ? "人员名单" : "学习记录")
            do {
                try SinkGuard(writer).header(Self.columns(kind.rowKind))
                let help = TemplateHelp(lang: Context.lang)
                writer.addSheet(
                    name: help.sheetName, columns: help.columns, rows: help.rows(kind.rowKind).map { $0.map(TableCell.text) },
                    frozenHeader: true)
                try writer.finish(creator: Context.actor(global), created: Date(), title: "celedger template \(kind.rawValue)")
            } catch let e as SheetError {
                writer.abandon()
                throw CLIFailure(e.text, code: ExitStatus.badInput)
            } catch {
                writer.abandon()
                throw error
            }
        }
    }
}

/// The instructions sheet of an XLSX template: each column, whether it is required, what it accepts.
struct TemplateHelp {
    let lang: Lang
    var zh: Bool { lang == .zh }

    var sheetName: String { zh ? "填写说明" : "Instructions" }

    var columns: [TableColumn] {
        (zh ? ["列", "是否必填", "可填写的值", "说明"] : ["Column", "Required", "Accepted values", "Notes"]).map { TableColumn($0) }
    }

    func values<V: Vocabulary>(_ type: V.Type) -> String {
        let main = V.allCases.map { zh ? $0.zh : $0.rawValue }.joined(separator: zh ? "、" : ", ")
        let others =
            (zh ? V.synonyms.keys.filter { $0.unicodeScalars.contains { $0.value > 0x7F } } : Array(V.allCases.map(\.zh)))
            .sorted()
        let keys = V.allCases.map(\.rawValue).joined(separator: ", ")
        return zh
            ? "\(main)（也可写：\(others.joined(separator: "、"))；或英文 \(keys)）"
            : "\(main) (or in Chinese: \(others.joined(separator: ", ")))"
    }

    var dates: String { zh ? "日期，如 2024-03-04、2024/3/4、2024.3.4、2024年3月4日" : "a date: 2024-03-04, 2024/3/4, 2024.3.4, 2024年3月4日" }
    var hours: String { zh ? "数字，最多一位小数，如 8、8.5" : "a number with at most one decimal, e.g. 8, 8.5" }
    var text200: String { zh ? "文字，最多200字" : "text, at most 200 characters" }
    var optional: String { zh ? "选填" : "optional" }
    var required: String { zh ? "必填" : "required" }

    func rows(_ kind: RowKind) -> [[String]] {
        TemplateCommand.fields(kind).map { f in
            [f.zh(in: kind)] + describe(f, kind)
        }
    }

    func describe(_ f: Field, _ kind: RowKind) -> [String] {
        switch (f, kind) {
        case (.idNumber, .person):
            return [
                required, zh ? "18位身份证号（末位可为X），或旧15位号码" : "an 18-character ID number (X allowed last), or a legacy 15-digit one",
                zh
                    ? "本列已设为文本格式，Excel 会保留全部18位；请勿改成数字格式（数字只保留15位，末尾几位会丢失）。性别、出生日期由身份证号得出"
                    : "This column is formatted as text, so Excel keeps all 18 digits; do not format it as a number (numbers keep 15 digits). "
                        + "Gender and birth date come from the ID number",
            ]
        case (.idNumber, .record):
            return [
                required, zh ? "18位身份证号" : "an 18-character ID number",
                zh
                    ? "此人须已在登记簿中（先导入人员名单）；本列为文本格式"
                    : "the person must be in the ledger already (import persons first); the column is formatted as text",
            ]
        case (.name, _):
            return [required, zh ? "姓名，最多40字" : "the name, at most 40 characters", ""]
        case (.unit, _):
            return [optional, text200, zh ? "用人单位全称" : "the employer's full name"]
        case (.department, _), (.specialty, _):
            return [optional, text200, ""]
        case (.title, .person):
            return [optional, text200, zh ? "专业技术职务名称，如 主治医师" : "the professional title, e.g. 主治医师"]
        case (.titleLevel, _):
            return [optional, values(TitleLevel.self), ""]
        case (.status, _):
            return [zh ? "选填，默认在职" : "optional, default active", values(EmploymentStatus.self), ""]
        case (.statusDate, _):
            return [
                zh ? "离职、退休人员必填" : "required for left and retired", dates,
                zh ? "离职或退休的日期；在职人员不填" : "the day the person left or retired; empty for active persons",
            ]
        case (.personCategory, _):
            return [
                zh ? "选填，默认单位职工" : "optional, default employee", values(PersonCategory.self),
                zh ? "自由职业者参照执行（第26条）" : "freelancers follow the measures by analogy (Art. 26)",
            ]
        case (.mode, _):
            return [required, values(Mode.self), zh ? "第10条规定的六种学习方式" : "the six ways of Art. 10"]
        case (.category, _):
            return [
                required, values(CeledgerDomain.Category.self), zh ? "第9条：公需科目或专业科目" : "Art. 9: public or professional subjects",
            ]
        case (.title, .record):
            return [required, text200, zh ? "学习内容或项目名称" : "the content of the activity"]
        case (.provider, _):
            return [optional, text200, zh ? "举办或主办单位" : "who held it"]
        case (.startDate, _):
            return [
                zh ? "开始、结束日期至少填一个" : "start or end date required", dates,
                zh ? "只填一个日期视为一天的活动" : "one date alone is a one-day activity",
            ]
        case (.endDate, _):
            return [
                zh ? "开始、结束日期至少填一个" : "start or end date required", dates,
                zh ? "学时计入结束日期所在年度；不得早于开始日期" : "hours count in the year of the end date; not before the start",
            ]
        case (.assessment, _):
            return [
                zh ? "选填，默认未考核" : "optional, default none", values(Assessment.self),
                zh ? "不合格的记录不计学时" : "failed records count no hours",
            ]
        case (.score, _):
            return [optional, zh ? "数字，如 86、92.5" : "a number, e.g. 86, 92.5", ""]
        case (.claimedHours, _):
            return [
                zh ? "申报学时、认定学时至少填一个" : "claimed or recognized hours required", hours,
                zh ? "只填认定学时时，申报学时取同一数值" : "when only recognized hours are given, they are the claimed hours too",
            ]
        case (.recognizedHours, _):
            return [
                zh ? "已认定的记录必填" : "required when recognized", hours,
                zh ? "只有已认定且考核不是不合格的学时才计入年度合计" : "only recognized hours of records not failed count",
            ]
        case (.recognition, _):
            return [
                optional, values(Recognition.self),
                zh ? "不填时：填了认定学时为已认定，否则为待认定" : "when empty: recognized if recognized hours are given, else pending",
            ]
        case (.recognitionNote, _):
            return [
                optional, zh ? "文字，最多1000字" : "text, at most 1000 characters",
                zh ? "不予认定或调整学时的理由" : "why hours were refused or changed",
            ]
        case (.certificateNo, _):
            return [optional, text200, zh ? "培训证明或证书的编号；本列为文本格式" : "the certificate's number; the column is formatted as text"]
        case (.note, _):
            return [optional, zh ? "文字，最多1000字，可换行" : "text, at most 1000 characters, line breaks allowed", ""]
        default:
            return [optional, "", ""]
        }
    }
}
