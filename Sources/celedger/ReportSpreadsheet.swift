import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import Foundation

/// `report annual --format xlsx`: the CSV's columns as a sheet (hours as numbers), with the export
/// information sheet.
enum AnnualSpreadsheet {
    /// `rows` gives the report's rows in the order asked for.
    static func write(
        _ ledger: SQLiteLedger, global: GlobalOptions, year: Int, output: String?,
        rows: (_ each: (AnnualRow) throws -> Void) throws -> Void
    ) throws {
        let writer = try SpreadsheetOutput.xlsx(output, sheet: Context.text("\(year)年度达标", "Annual \(year)"))
        do {
            let out = SinkGuard(writer)
            try out.header(ExportShape.annualColumns)
            try out.rows {
                try rows { try out.row(ExportShape.annualTypedCells($0, lang: Context.lang)) }
            }
            try ExportInfo(ledger: ledger, global: global).finish(writer, title: "celedger report annual \(year)")
        } catch {
            writer.abandon()
            throw error
        }
    }
}
