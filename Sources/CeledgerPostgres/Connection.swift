import CLibpq
import CeledgerLedger
import Foundation

/// A PostgreSQL connection URI as a clerk may see it: the password (in the URI's user part or a
/// `password=` parameter) replaced by `***`, so that no message, log or screen ever shows it.
public enum PostgresURI {
    /// True for what `--db` and CELEDGER_DB take as a server rather than a file: libpq's URI schemes.
    public static func isServer(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    public static func masked(_ uri: String) -> String {
        var s = uri
        // scheme://user:password@host…
        if let scheme = s.range(of: "://") {
            let rest = s[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"),
                let colon = rest[..<at].firstIndex(of: ":")
            {
                s.replaceSubrange(s.index(after: colon)..<at, with: "***")
            }
        }
        // …?password=secret&…
        if let r = s.range(of: "password=", options: .caseInsensitive) {
            let end = s[r.upperBound...].firstIndex(of: "&") ?? s.endIndex
            s.replaceSubrange(r.upperBound..<end, with: "***")
        }
        return s
    }
}

/// Why a connection failed, read from libpq's message (English, or the translation libpq ships for the
/// clerk's locale: both are matched) and its status, as a `ServerProblem` the clerk is told; nil when the
/// message matches nothing known (the clerk then reads "cannot open", never the library's words).
enum PostgresConnectFailure {
    static func classify(
        message: String, needsPassword: Bool, host: String, port: String, user: String, database: String
    ) -> ServerProblem? {
        func has(_ words: String...) -> Bool { words.contains { message.localizedCaseInsensitiveContains($0) } }
        let at = host.isEmpty ? "localhost" : (port.isEmpty ? host : "\(host):\(port)")
        if needsPassword || has("no password supplied", "fe_sendauth") { return .needsPassword(user: user) }
        if has("password authentication failed", "密码认证失败") { return .wrongPassword(user: user) }
        if has("role \"", "角色 \"") && has("does not exist", "不存在") { return .noRole(user: user) }
        if has("database \"", "数据库 \"") && has("does not exist", "不存在") { return .noDatabase(name: database) }
        if has("no pg_hba.conf entry", "pg_hba.conf") { return .notAllowedFromHere(user: user) }
        if has("server does not support SSL", "服务器不支持 SSL") { return .noTLS }
        if has("certificate", "证书", "认证文件", "SSL error", "SSL 错误") { return .certificate }
        if has("too many clients", "too many connections", "remaining connection slots") { return .full }
        if has("starting up", "shutting down", "in recovery", "正在启动", "正在关闭") { return .notReady }
        if has("could not translate host name", "无法解释主机名") { return .unknownHost(host: host) }
        if has(
            "Connection refused", "拒绝连接", "timeout expired", "超时", "No route to host", "Network is unreachable",
            "could not connect", "无法联接", "无法连接")
        {
            return .unreachable(host: at)
        }
        return nil
    }
}

/// What the server said when a statement failed: its SQLSTATE (five characters) and the constraint it
/// names, for mapping to a `LedgerError`. The server's own words are kept only for tests and never
/// reach a clerk.
struct PGFailure: Error {
    let sqlState: String
    let constraint: String?
    let serverMessage: String
}

/// The rows of one statement, every value as libpq's text (nil for NULL).
struct PGRows {
    let columns: [String]
    let rows: [[String?]]
    /// Rows a DML statement changed (PQcmdTuples).
    let changed: Int

    var first: [String?]? { rows.first }

    func column(_ name: String) -> Int { columns.firstIndex(of: name)! }
}

/// A result's rows as the server sent them (text), valid only inside `PGConnection.withResult`.
struct PGCells {
    let result: OpaquePointer
    var count: Int { Int(PQntuples(result)) }
    subscript(_ row: Int) -> PGRawRow { PGRawRow(result: result, row: Int32(row)) }
}

/// One row of a result, read in place (`PGConnection.eachRow`): valid only inside the call.
struct PGRawRow {
    let result: OpaquePointer
    let row: Int32

    /// A column's text as bytes (empty for NULL).
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let value = PQgetvalue(result, row, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(
            start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: Int(PQgetlength(result, row, column)))
    }

    /// A column of integers (0 for NULL).
    func int64(_ column: Int32) -> Int64 {
        var n: Int64 = 0, negative = false
        for b in bytes(column) {
            if b == 0x2D { negative = true } else { n = n * 10 + Int64(b &- 0x30) }
        }
        return negative ? -n : n
    }

    /// A boolean column ("t").
    func bool(_ column: Int32) -> Bool { bytes(column).first == 0x74 }

    /// A column's text as bytes, nil for NULL.
    func value(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        PQgetisnull(result, row, column) == 1 ? nil : bytes(column)
    }

    /// The row as text fields, as `exec` gives each row.
    func fields() -> [String?] {
        (0..<PQnfields(result)).map { c in value(c).map { String(decoding: $0, as: UTF8.self) } }
    }
}

extension [String?] {
    func int(_ i: Int) -> Int { Int(self[i] ?? "") ?? 0 }
    func int64(_ i: Int) -> Int64 { Int64(self[i] ?? "") ?? 0 }
    func text(_ i: Int) -> String { self[i] ?? "" }
}

/// One libpq connection, used synchronously: each call sends a statement and waits for its result, as
/// the TUI's loop and the commands do with SQLite. Parameters go as text (`$1`, `$2` …), never spliced
/// into SQL. Not thread-safe by itself: `PostgresLedger` serialises its use.
final class PGConnection {
    let conn: OpaquePointer
    /// Statements sent so far: lets a test see that looking for changes costs no round trip.
    private(set) var statements = 0
    /// For messages: the URI with its password masked.
    let maskedURI: String

    init(uri: String) throws(LedgerError) {
        maskedURI = PostgresURI.masked(uri)
        guard let c = PQconnectdb(uri) else { throw LedgerError.cannotOpen(path: maskedURI) }
        conn = c
        // (A failed connection is finished by deinit, which runs once every property is set.)
        guard PQstatus(c) == CONNECTION_OK else {
            let text = { (p: UnsafeMutablePointer<CChar>?) in p.map { String(cString: $0) } ?? "" }
            let problem = PostgresConnectFailure.classify(
                message: text(PQerrorMessage(c)), needsPassword: PQconnectionNeedsPassword(c) != 0,
                host: text(PQhost(c)), port: text(PQport(c)), user: text(PQuser(c)), database: text(PQdb(c)))
            throw problem.map { LedgerError.cannotConnect(path: maskedURI, why: $0) } ?? .cannotOpen(path: maskedURI)
        }
        // Notices (a table that exists already …) are the server's words: never printed.
        PQsetNoticeProcessor(c, { _, _ in }, nil)
        _ = try? exec("SET client_encoding = 'UTF8'")
    }

    /// A second session on the same server, with the same parameters (the password too, which is never
    /// shown): for a long transaction on a thread of its own while this connection goes on serving reads.
    func sibling() throws(LedgerError) -> PGConnection {
        try PGConnection.connect(options(), masked: maskedURI)
    }

    /// This connection's parameters (libpq's keywords and values, the password among them), for a
    /// sibling opened on another thread: reading them touches no socket, but is done where the connection
    /// is serialised.
    func options() -> [(String, String)] {
        guard let options = PQconninfo(conn) else { return [] }
        defer { PQconninfoFree(options) }
        var out: [(String, String)] = []
        var i = 0
        while let keyword = options[i].keyword {
            if let value = options[i].val { out.append((String(cString: keyword), String(cString: value))) }
            i += 1
        }
        return out
    }

    /// A new session with `options` (from `options()`).
    static func connect(_ options: [(String, String)], masked: String) throws(LedgerError) -> PGConnection {
        guard !options.isEmpty else { throw LedgerError.cannotOpen(path: masked) }
        let keys = options.map { strdup($0.0) }, values = options.map { strdup($0.1) }
        defer { for p in keys + values { free(p) } }
        let c = (keys.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { k in
            (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let c else { throw LedgerError.cannotOpen(path: masked) }
        return try PGConnection(raw: c, masked: masked)
    }

    private init(raw c: OpaquePointer, masked: String) throws(LedgerError) {
        maskedURI = masked
        conn = c
        guard PQstatus(c) == CONNECTION_OK else { throw LedgerError.cannotOpen(path: maskedURI) }
        PQsetNoticeProcessor(c, { _, _ in }, nil)
        _ = try? exec("SET client_encoding = 'UTF8'")
    }

    deinit { PQfinish(conn) }

    /// Runs one statement (or, without parameters, several separated by semicolons).
    @discardableResult
    func exec(_ sql: String, _ params: [String?] = []) throws(PGFailure) -> PGRows {
        try withResult(sql, params) { result in
            let nColumns = PQnfields(result), nRows = PQntuples(result)
            let columns = (0..<nColumns).map { String(cString: PQfname(result, $0)) }
            var rows: [[String?]] = []
            rows.reserveCapacity(Int(nRows))
            for r in 0..<nRows {
                var row: [String?] = []
                row.reserveCapacity(Int(nColumns))
                for c in 0..<nColumns {
                    row.append(PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)))
                }
                rows.append(row)
            }
            let changed = Int(String(cString: PQcmdTuples(result))) ?? 0
            return PGRows(columns: columns, rows: rows, changed: changed)
        }
    }

    /// Runs one statement and hands `body` its result as the server sent it (`PGCells`), without a String
    /// for each cell: for the few readers of many rows (the hash chain reads every entry an import wrote).
    func withResult<T>(_ sql: String, _ params: [String?] = [], _ body: (PGCells) -> T) throws(PGFailure) -> T {
        try withResult(sql, params) { (result: OpaquePointer) in body(PGCells(result: result)) }
    }

    /// Runs one query and hands `body` each of its rows as libpq holds them (no String for each cell):
    /// for reading thousands of rows into memory at once (the search index).
    func eachRow(_ sql: String, _ params: [String?] = [], _ body: (PGRawRow) -> Void) throws(PGFailure) {
        try withResult(sql, params) { (result: OpaquePointer) in
            for r in 0..<PQntuples(result) { body(PGRawRow(result: result, row: r)) }
        }
    }

    private func withResult<T>(_ sql: String, _ params: [String?], _ body: (OpaquePointer) -> T) throws(PGFailure) -> T {
        statements += 1
        let result =
            params.isEmpty
            ? PQexec(conn, sql)
            : withParameters(params) { PQexecParams(conn, sql, Int32(params.count), nil, $0, nil, nil, 0) }
        guard let result else {
            throw PGFailure(sqlState: "08006", constraint: nil, serverMessage: String(cString: PQerrorMessage(conn)))
        }
        defer { PQclear(result) }
        if let failure = failure(of: result) { throw failure }
        return body(result)
    }

    /// Each parameter as a C string kept alive for the call (NULL as a null pointer); libpq copies them.
    private func withParameters<T>(_ params: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        // (One null pointer for none, so that the array has an address.)
        let cStrings: [UnsafeMutablePointer<CChar>?] = params.isEmpty ? [nil] : params.map { $0.map { strdup($0) } ?? nil }
        defer { for p in cStrings { free(p) } }
        return cStrings.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
        }
    }

    /// What the server refused in `result` (its SQLSTATE and constraint), nil when it succeeded.
    private func failure(of result: OpaquePointer) -> PGFailure? {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return nil
        default:
            func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
            return PGFailure(
                sqlState: field(Int32(UInt8(ascii: "C"))) ?? (isOK ? "XX000" : "08006"),
                constraint: field(Int32(UInt8(ascii: "n"))),
                serverMessage: String(cString: PQresultErrorMessage(result)))
        }
    }

    /// Sends one statement without waiting for its result, which `finish` then collects: the server works on
    /// it while the caller does something else. Nothing else may be sent in between.
    func send(_ sql: String, _ params: [String?]) throws(PGFailure) {
        statements += 1
        let sent = withParameters(params) { PQsendQueryParams(conn, sql, Int32(params.count), nil, $0, nil, nil, 0) }
        guard sent == 1 else {
            throw PGFailure(
                sqlState: isOK ? "XX000" : "08006", constraint: nil, serverMessage: String(cString: PQerrorMessage(conn)))
        }
    }

    /// The result of what `send` sent: waits for it, and throws what the server refused.
    func finish() throws(PGFailure) {
        var failure: PGFailure?
        while let r = PQgetResult(conn) {
            failure = failure ?? self.failure(of: r)
            PQclear(r)
        }
        if let failure { throw failure }
    }

    /// Whether the connection still stands (a server restart breaks it).
    var isOK: Bool { PQstatus(conn) == CONNECTION_OK }

    /// Reconnects after the server dropped the connection; false when it cannot.
    func reset() -> Bool {
        PQreset(conn)
        return isOK
    }

    /// Sends rows to `COPY … FROM STDIN` (text format, tab-separated, `\N` for NULL) and returns how many
    /// the server took.
    func copyIn(_ sql: String, rows: [[String?]]) throws(PGFailure) -> Int {
        try copyIn(sql, CopyRows(rows))
    }

    /// Sends rows already in COPY's text format, 64 KiB at a time.
    func copyIn(_ sql: String, _ rows: CopyRows) throws(PGFailure) -> Int {
        guard let start = PQexec(conn, sql) else {
            throw PGFailure(sqlState: "08006", constraint: nil, serverMessage: String(cString: PQerrorMessage(conn)))
        }
        let status = PQresultStatus(start)
        PQclear(start)
        guard status == PGRES_COPY_IN else {
            throw PGFailure(
                sqlState: isOK ? "XX000" : "08006", constraint: nil, serverMessage: String(cString: PQerrorMessage(conn)))
        }
        rows.bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            base.withMemoryRebound(to: CChar.self, capacity: b.count) { p in
                var at = 0
                while at < b.count {
                    let n = min(1 << 16, b.count - at)
                    _ = PQputCopyData(conn, p + at, Int32(n))
                    at += n
                }
            }
        }
        _ = PQputCopyEnd(conn, nil)
        var taken = 0
        var failure: PGFailure?
        while let r = PQgetResult(conn) {
            if let f = self.failure(of: r) { failure = f } else { taken = Int(String(cString: PQcmdTuples(r))) ?? 0 }
            PQclear(r)
        }
        if let failure { throw failure }
        return taken
    }

    /// COPY's text format: backslash, tab, line feed and carriage return escaped. By bytes, not Characters:
    /// a CR LF pair is one Character, which no comparison with "\r" or "\n" matches.
    static func appendCopyEscaped(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            var plain = u.startIndex
            for i in u.indices {
                let escaped: UInt8
                switch u[i] {
                case 0x5C: escaped = 0x5C
                case 0x09: escaped = 0x74
                case 0x0A: escaped = 0x6E
                case 0x0D: escaped = 0x72
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: u[plain..<i]))
                out.append(0x5C)
                out.append(escaped)
                plain = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[plain..<u.endIndex]))
        }
    }
}

extension LedgerError {
    /// The clerk's words for what the server refused: a case the ledger knows (a locked record, a
    /// duplicate, a busy or vanished server), else the SQLSTATE alone, never the server's message (it can
    /// quote a row's values, or be English to a Chinese clerk).
    static func from(_ f: PGFailure, at location: String) -> LedgerError {
        switch f.sqlState {
        case PostgresSchema.lockedState: return .locked
        // (pg6's other clerk refusals name the clerk: `PostgresLedger.clerkRefusal` maps them with the session.)
        case PostgresSchema.ownEntryState: return .ownEntries(count: 1)
        // The same activity twice is a clerk's duplicate; another unique key the server names (a card's
        // number, a clerk's name, the chain's or a year's own keys) is met only when two clerks write the
        // same thing at once, and doing it again finds what the other one wrote: busy, try again.
        case "23505" where f.constraint == nil || f.constraint == "record_activity": return .duplicateRecord
        case "23505": return .busy(path: location)
        case "40001", "40P01", "55P03", "57014": return .busy(path: location)
        case "25006": return .readOnly(path: location)
        case "53100": return .diskFull(path: location)
        case "08000", "08003", "08006", "08001", "08004", "57P01", "57P02", "57P03": return .cannotOpen(path: location)
        default: return .database(path: location, detail: "SQLSTATE \(f.sqlState)")
        }
    }
}
