import CeledgerDomain
import CeledgerLedger
import Foundation

/// A named way of looking at the persons list: filter, search, sort and year, kept in the clerk's own
/// config file (`$CELEDGER_CONFIG_DIR`, else `$XDG_CONFIG_HOME/celedger`, else `~/.config/celedger`,
/// `views.json`), not in the ledger: a view is one clerk's habit, not the ledger's content, so it needs no
/// schema change, leaves no history, and works on a ledger opened read-only or shared by several clerks.
public struct SavedView: Codable, Equatable, Sendable {
    public var name: String
    public var year: Int?
    public var unit: String?
    public var department: String?
    public var status: String
    public var search: String
    public var sort: String
    public var descending: Bool

    init(name: String, query q: PersonListQuery) {
        self.name = name
        year = q.year
        unit = q.unit
        department = q.department
        status = q.status.rawValue
        search = q.search
        sort = q.sort.rawValue
        descending = q.descending
    }

    /// The view applied to a query (its year too, when it has one).
    func apply(to q: inout PersonListQuery) {
        if let year { q.year = year }
        q.unit = unit
        q.department = department
        q.status = StatusFilter(rawValue: status) ?? .all
        q.search = search
        q.sort = PersonSort(rawValue: sort) ?? .name
        q.descending = descending
    }
}

/// The clerk's saved views, in the order saved.
public struct SavedViews {
    public let file: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let dir: URL
        if let d = environment["CELEDGER_CONFIG_DIR"], !d.isEmpty {
            dir = URL(fileURLWithPath: d, isDirectory: true)
        } else if let x = environment["XDG_CONFIG_HOME"], !x.isEmpty {
            dir = URL(fileURLWithPath: x, isDirectory: true).appendingPathComponent("celedger", isDirectory: true)
        } else {
            let home =
                environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.homeDirectoryForCurrentUser
            dir = home.appendingPathComponent(".config/celedger", isDirectory: true)
        }
        file = dir.appendingPathComponent("views.json")
    }

    /// The views saved; none when the file is missing or unreadable.
    public func load() -> [SavedView] {
        guard let data = try? Data(contentsOf: file) else { return [] }
        return (try? JSONDecoder().decode([SavedView].self, from: data)) ?? []
    }

    /// Saves a view, replacing one of the same name (owner-only folder and file).
    func save(_ view: SavedView) throws {
        var all = load().filter { $0.name != view.name }
        all.append(view)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(all).write(to: file, options: .atomic)
        chmod(file.path, 0o600)
    }

    public func named(_ name: String) -> SavedView? { load().first { $0.name == name } }
}

extension App {
    /// Opens the persons list in a saved view (`celedger --view NAME`); false when there is none by that name.
    @discardableResult
    public func open(view name: String) -> Bool {
        guard let v = SavedViews(environment: environment).named(name), let home = screens.first as? PersonsScreen else {
            return false
        }
        home.recall(v, self)
        return true
    }
}

extension PersonsScreen {
    /// `V` lists the saved views (Enter recalls one) and offers to save the list as it is; `1`–`9` recall
    /// the first nine at once.
    static let viewKeys: [Binding] = [
        Binding(
            [.character("V")],
            help: (
                "V", "保存的视图：调出，或把当前筛选、搜索、排序和年度保存为视图", "saved views: recall one, or save the filter, search, sort and year as one"
            ),
            bar: ("V", "视图", "views")
        ) { s, _, app in
            s.viewMenu(app)
        },
        Binding(
            (1...9).map { Key.character(Character(String($0))) },
            help: ("1-9", "调出第 1 至 9 个保存的视图", "recall saved view 1 to 9")
        ) { s, key, app in
            guard case .character(let c) = key, let n = Int(String(c)) else { return }
            let views = SavedViews(environment: app.environment).load()
            guard n <= views.count else {
                app.info(app.t("没有第 \(n) 个视图（按 V 保存当前的筛选）", "no view \(n) (V saves the current filter)"))
                return
            }
            s.recall(views[n - 1], app)
        },
    ]

    func recall(_ v: SavedView, _ app: App) {
        var q = query
        v.apply(to: &q)
        if let year = v.year, year != app.year { app.changeYear(by: year - app.year) }
        q.year = app.year
        query = q
        search = nil
        requery(app)
        app.info(app.t("视图“\(v.name)”", "view \"\(v.name)\""))
    }

    func viewMenu(_ app: App) {
        let w = app.words
        let store = SavedViews(environment: app.environment)
        let views = store.load()
        let options =
            [w.t("保存当前为视图…", "save the current list as a view…")]
            + views.enumerated().map { i, v in (i < 9 ? "\(i + 1)  " : "   ") + v.name }
        app.overlay = Chooser(title: w.t("保存的视图", "Saved views"), options: options) { [weak self] i, app in
            guard let self else { return }
            if i > 0 {
                self.recall(views[i - 1], app)
                return
            }
            app.overlay = Prompt(title: w.t("保存为视图", "Save as a view"), label: w.t("名称", "Name"), required: true) {
                name, app in
                do {
                    try store.save(SavedView(name: name, query: self.query))
                    app.info(
                        w.t(
                            "已保存视图“\(name)”（\(store.file.path)）；celedger --view \(name) 直接打开",
                            "view \"\(name)\" saved (\(store.file.path)); celedger --view \(name) opens it"))
                } catch {
                    app.message = (w.t("无法保存视图：", "cannot save the view: ") + error.localizedDescription, true)
                }
            }
        }
    }
}
