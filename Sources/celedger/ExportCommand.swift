import ArgumentParser
import CeledgerDomain
import CeledgerStore
import Foundation

enum DataFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export persons or records as CSV (English keys; imports back exactly) or JSON.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "persons or records")
    var kind: ImportKind

    @Option(name: .long, help: "Only this year: records ending in it, persons active in it.")
    var year: Int?

    @Option(name: .long, help: "csv or json")
    var format: DataFormat = .csv

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let ledger = try Context.openLedger(global, access: .readOnly)
        var out = try OutputSink(path: output)
        var first = true
        func item(_ csv: [String], _ json: String) {
            switch format {
            case .csv: out.write(CSVWriter.line(csv))
            case .json:
                out.write(first ? "[\n" : ",\n")
                out.write(json)
            }
            first = false
        }
        if format == .csv { out.write(CSVWriter.line(ExportShape.header(kind.rowKind))) }
        do {
            switch kind {
            case .persons:
                try ledger.eachPerson(activeIn: year) { item(ExportShape.cells($0.person), ExportShape.json($0.person)) }
            case .records:
                try ledger.eachRecord(year: year) { item(ExportShape.cells($0.record), ExportShape.json($0.record)) }
            }
        } catch {
            out.abandon()
            throw error
        }
        if format == .json { out.write(first ? "[]\n" : "\n]\n") }
        try out.close()
    }
}
