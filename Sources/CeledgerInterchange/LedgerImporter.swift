import CeledgerDomain
import CeledgerLedger
import CeledgerSheets

/// A ledger that takes whole files: what the TUI's import screen (and any other front end) needs of a
/// ledger beyond `LedgerWriter`. Two calls, both given rows through `RowSource` (the file already opened,
/// a clerk's roster already wrapped in `RosterSource`), both all-or-nothing in one transaction, both able
/// to run as a dry run that reads only:
///
/// - `importRows` — persons or records. With `options.dryRun` nothing is written and the report counts
///   what would be; with `options.skipInvalid` the bad rows are left out and returned in
///   `ImportReport.rejected` (or streamed to `options.rejectedRows`).
/// - `importClass` — one activity for the participants of a class file or a sign-in sheet, the class's
///   details in the file's lines or in `given`.
///
/// `progress` is called now and then with bytes read and, when known, the file's size; it may be called on
/// the thread that runs the import, which need not be the caller's main thread. A conforming ledger must
/// let the import run on a thread of its own while other threads read.
public protocol LedgerImporter: LedgerWriter {
    func importRows(
        _ kind: RowKind, from reader: any RowSource, options: ImportOptions, progress: ProgressHandler?
    ) throws(LedgerError) -> ImportReport

    /// `today`: the day the class is judged on (nil: the real today) — an activity that has not ended
    /// cannot arrive recognised.
    func importClass(
        from reader: any RowSource, given: ClassFile.Given, dryRun: Bool, today: Day?, progress: ProgressHandler?
    ) throws(LedgerError) -> ClassImportReport
}
