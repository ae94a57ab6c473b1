// swift-tools-version: 6.1
import PackageDescription

// Every target that sees the store also names GRDB: SwiftPM passes GRDB's system-SQLite module map
// only to direct dependents, and the compiler needs it to load the store's module.
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")

let package = Package(
    name: "celedger",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "celedger", targets: ["celedger"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // Reading and writing .xlsx packages (zip); on Linux it uses the system zlib.
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // Pure domain: rules, hours, identity numbers, annual totals. No SQLite, no curses, no file I/O.
        .target(name: "CeledgerDomain"),
        // Display-width aware text layout shared by the CLI tables and the TUI.
        .target(name: "CeledgerText"),
        // The ledger as screens and commands see it: protocols, the values that cross them, and the errors
        // as cases. No database: the SQLite ledger (and any other) implements these.
        .target(name: "CeledgerLedger", dependencies: ["CeledgerDomain"]),
        // Files, not ledgers: CSV and XLSX read and written, text encodings, the XML of spreadsheet parts.
        // Beside ZIPFoundation only the text layout, for a column's width in character cells.
        .target(
            name: "CeledgerSheets", dependencies: ["CeledgerText", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Between files and ledger rows: headers mapped to fields, rows prepared (checked and parsed by the
        // domain), class files read, the export shapes, the one JSON writer. No SQL.
        // CeledgerLedger for `LedgerImporter`, the import a ledger offers beside its protocols (the graph stays
        // one-way: the ledger's protocols know no files).
        .target(
            name: "CeledgerInterchange", dependencies: ["CeledgerDomain", "CeledgerText", "CeledgerSheets", "CeledgerLedger"]),
        // The ledger in a SQLite file: GRDB over the system SQLite, migrations, the writing of imports, queries.
        .target(
            name: "CeledgerSQLite",
            dependencies: [
                "CeledgerDomain", "CeledgerText", "CeledgerLedger", "CeledgerSheets", "CeledgerInterchange", grdb,
                // The C API itself, for the import's batched inserts (binding without GRDB's boxing).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // libpq, PostgreSQL's C client: synchronous like the TUI's loop, COPY and LISTEN/NOTIFY built in, and no
        // Swift package to build (a system library: seconds, where postgres-nio adds minutes).
        .systemLibrary(name: "CLibpq", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // The ledger on a PostgreSQL server: the same protocols and promises as the SQLite file, kept by the
        // server (triggers, row locks), through libpq. No GRDB.
        .target(
            name: "CeledgerPostgres",
            // CeledgerInterchange and CeledgerSheets for the rows reports and imports are made of (AnnualRow, the
            // files' rows checked by the domain's parser), as the SQLite ledger.
            dependencies: [
                "CeledgerDomain", "CeledgerLedger", "CeledgerText", "CeledgerInterchange", "CeledgerSheets", "CLibpq",
            ]),
        // Printable documents (the record card): pure values in, text or HTML out.
        .target(name: "CeledgerReports", dependencies: ["CeledgerDomain", "CeledgerText"]),
        // The only C: a shim over ncursesw for what Swift cannot import.
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncursesw5-dev"])]),
        // Screens as Swift state rendered to a text grid; one driver calls curses.
        .target(
            name: "CeledgerTUI",
            // CeledgerSheets for writing files a clerk names: OutputFile (cards) and XLSXWriter (x exports what is shown);
            // CeledgerInterchange for the import screen (a roster read, `LedgerImporter`, the rejected rows' file).
            dependencies: [
                "CeledgerDomain", "CeledgerText", "CeledgerLedger", "CeledgerReports", "CeledgerSheets", "CeledgerInterchange",
                "CNcursesw",
            ]
        ),
        .executableTarget(
            name: "celedger",
            dependencies: [
                "CeledgerDomain", "CeledgerText", "CeledgerLedger", "CeledgerSheets", "CeledgerInterchange", "CeledgerSQLite",
                "CeledgerPostgres", "CeledgerTUI", "CeledgerReports", grdb,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The headless TUI latency driver of `make bench` (scripts/bench.sh); built, never installed.
        .executableTarget(
            name: "celedger-bench",
            dependencies: ["CeledgerTUI", "CeledgerLedger", "CeledgerSQLite", "CeledgerPostgres", "CeledgerDomain", grdb]
        ),
        .testTarget(name: "CeledgerDomainTests", dependencies: ["CeledgerDomain"]),
        // Fixtures (spreadsheets and CSV files made by other writers) are read through #filePath; the store's
        // and the CLI's tests read them there too.
        .testTarget(
            name: "CeledgerSheetsTests",
            dependencies: [
                "CeledgerSheets",
                // Only to look inside written packages and to build a zip bomb.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ], exclude: ["Fixtures"]),
        // Imports into a ledger read the spreadsheet fixtures of CeledgerSheetsTests through #filePath.
        .testTarget(
            name: "CeledgerSQLiteTests",
            dependencies: [
                "CeledgerSQLite", "CeledgerLedger", "CeledgerSheets", "CeledgerInterchange", "CeledgerDomain", grdb,
            ]),
        // The interchange, and what the formats share with the domain and the text layout (dates, widths).
        .testTarget(
            name: "CeledgerInterchangeTests",
            dependencies: [
                "CeledgerInterchange", "CeledgerSheets", "CeledgerDomain", "CeledgerText",
            ]),
        .testTarget(
            name: "CeledgerReportsTests",
            dependencies: ["CeledgerReports", "CeledgerDomain", "CeledgerText", "CeledgerTestSupport"],
            exclude: ["Golden"]),
        // Golden files are read through #filePath, not bundled as resources.
        .testTarget(
            name: "CeledgerTUITests",
            dependencies: [
                "CeledgerTUI", "CeledgerText", "CeledgerLedger", "CeledgerSQLite", "CeledgerDomain", "CeledgerSheets",
                "CeledgerInterchange", "CeledgerTestSupport", "CeledgerPostgres",
                grdb, .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Golden"]),
        // The ledger contract: the same behaviour asked of every backend (SQLite and PostgreSQL), through the
        // protocols. The PostgreSQL half needs a server: CELEDGER_TEST_PG (make test starts one).
        .testTarget(
            name: "CeledgerLedgerContractTests",
            dependencies: [
                "CeledgerLedger", "CeledgerSQLite", "CeledgerPostgres", "CeledgerDomain", "CeledgerInterchange", "CeledgerSheets",
                grdb,
            ]),
        // Shared by the test suites: running the built binary, a test's sandbox folder, golden files.
        .target(name: "CeledgerTestSupport", path: "Tests/CeledgerTestSupport"),
        // CeledgerPostgres only to make each PostgreSQL test a database of its own.
        .testTarget(
            name: "CLITests", dependencies: ["celedger", "CeledgerDomain", "CeledgerPostgres", "CeledgerTestSupport"],
            exclude: ["Golden"]),
        // Crash safety, concurrency, hostile input and fuzzing: the real binary and the store under stress.
        .testTarget(
            name: "ReliabilityTests",
            dependencies: [
                "celedger", "CeledgerLedger", "CeledgerSheets", "CeledgerInterchange", "CeledgerSQLite", "CeledgerDomain",
                "CeledgerPostgres", "CeledgerTestSupport", grdb,
                .product(name: "PropertyBased", package: "swift-property-based"),
                // Only to build hostile workbooks (ExpansionTests).
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
