import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import Foundation

/// `report annual --format xlsx`: the CSV's columns as a sheet (hours as numbers; Chinese headers and values
/// under a Chinese UI), the printable report ("打印": title, rule, subtotals, 制表/审核/日期), and the export
/// information sheet.
enum AnnualSpreadsheet {
    /// `rows` gives the report's rows in the order asked for.
    static func write(
        _ ledger: any ReportLedger, global: GlobalOptions, year: Int, output: String?, printable: AnnualPrintable,
        rows: (_ each: (AnnualRow) throws -> Void) throws -> Void
    ) throws {
        let writer = try SpreadsheetOutput.xlsx(output, sheet: Context.text("\(year)年度达标", "Annual \(year)"))
        // The rows sheet prints too: A4 landscape, one page wide, its header row on every page.
        writer.printFirstSheet = true
        do {
            let out = SinkGuard(writer)
            try out.header(PeopleShape.annualColumns(Context.lang))
            try out.rows {
                try rows { try out.row(PeopleShape.annualTypedCells($0, Context.lang)) }
            }
            printable.addSheet(to: writer)
            try ExportInfo(ledger: ledger, global: global).finish(writer, title: "celedger report annual \(year)")
        } catch {
            writer.abandon()
            throw error
        }
    }
}
