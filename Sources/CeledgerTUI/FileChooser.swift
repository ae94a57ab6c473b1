import CeledgerDomain
import CeledgerText
import Foundation

/// One entry of a folder, as the file chooser needs it.
public struct FileEntry: Sendable, Equatable {
    public let name: String
    /// The folder it is in (absolute).
    public let folder: String
    public let isDirectory: Bool
    public let size: Int64
    public let modified: Date
    public init(name: String, folder: String, isDirectory: Bool, size: Int64, modified: Date) {
        self.name = name
        self.folder = folder
        self.isDirectory = isDirectory
        self.size = size
        self.modified = modified
    }

    public var path: String { (folder as NSString).appendingPathComponent(name) }
}

/// What the chooser reads of the file system: a folder's entries (nil when it is no folder or cannot be
/// read). Injected, so that the chooser is tested without a real folder tree, and so that a screen that
/// attaches other files (certificates) lists them with its own filter.
public struct FileSystemAccess: Sendable {
    public var list: @Sendable (_ folder: String) -> [FileEntry]?

    public init(list: @escaping @Sendable (_ folder: String) -> [FileEntry]?) { self.list = list }

    /// The machine's file system; hidden entries (a leading dot) left out.
    public static let real = FileSystemAccess { folder in
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return nil }
        return names.filter { !$0.hasPrefix(".") }.compactMap { name in
            let path = (folder as NSString).appendingPathComponent(name)
            guard let a = try? fm.attributesOfItem(atPath: path) else { return nil }
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: path, isDirectory: &isDir)  // follows a link to a folder
            return FileEntry(
                name: name, folder: folder, isDirectory: isDir.boolValue, size: (a[.size] as? NSNumber)?.int64Value ?? 0,
                modified: a[.modificationDate] as? Date ?? .distantPast)
        }
    }
}

/// A folder the chooser looks in, with the clerk's name for it.
struct FilePlace: Sendable, Equatable {
    let label: Phrase
    let path: String

    /// The current folder, home, the desktop and downloads (Chinese and English names): those that exist.
    static func standard(workingDirectory: String, home: String?, files: FileSystemAccess) -> [FilePlace] {
        var places = [FilePlace(label: Phrase(zh: "当前文件夹", en: "current folder"), path: workingDirectory)]
        if let home {
            places.append(FilePlace(label: Phrase(zh: "主文件夹", en: "home"), path: home))
            for (name, label) in [
                ("桌面", Phrase(zh: "桌面", en: "桌面")), ("Desktop", Phrase(zh: "桌面", en: "Desktop")),
                ("下载", Phrase(zh: "下载", en: "下载")), ("Downloads", Phrase(zh: "下载", en: "Downloads")),
            ] {
                let path = (home as NSString).appendingPathComponent(name)
                if files.list(path) != nil { places.append(FilePlace(label: label, path: path)) }
            }
        }
        var seen = Set<String>()
        return places.filter { seen.insert(($0.path as NSString).standardizingPath).inserted }
    }
}

/// Picks a file: the files of a few usual folders, newest first, with size and date, or a path typed with
/// Tab completion. A reusable box: the import screen uses it for spreadsheets; a screen that attaches
/// certificate files gives its own `extensions`.
///
/// The path field: typed text without a `/` narrows the list by name; a path (with `/` or starting with
/// `~`) lists its folder's entries that start with what follows the last `/`, and Tab completes it as far
/// as they agree (a folder gets its `/`). Enter picks the selected entry (a folder: opens it), else the
/// typed file; Esc backs out.
final class FileChooser: Overlay {
    let title: String
    /// File name endings shown and picked (lower case, with the dot); folders are always shown to walk.
    let extensions: [String]
    let files: FileSystemAccess
    let places: [FilePlace]
    let home: String?
    let workingDirectory: String
    var field = TextField()
    /// The usual folders' files, read once when the box opens (newest first).
    let found: [FileEntry]
    /// What the list shows now: `found` narrowed, or a typed folder's entries.
    private(set) var shown: [FileEntry] = []
    var cursor = ListCursor()
    var problem: String?
    let onPick: (String, App) -> Void
    let onCancel: (App) -> Void

    static let spreadsheets = [".xlsx", ".csv", ".txt", ".tsv"]
    /// What a proof file may be (`Evidence.admit` decides by content; the ending only narrows the list).
    static let proofFiles = [".pdf", ".jpg", ".jpeg", ".png", ".ofd"]

    init(
        title: String, extensions: [String] = FileChooser.spreadsheets, app: App, onCancel: @escaping (App) -> Void = { _ in },
        onPick: @escaping (String, App) -> Void
    ) {
        self.title = title
        self.extensions = extensions
        self.files = app.files
        self.home = app.environment["HOME"]
        self.workingDirectory = app.workingDirectory
        self.places = FilePlace.standard(workingDirectory: app.workingDirectory, home: home, files: app.files)
        self.onPick = onPick
        self.onCancel = onCancel
        var all: [FileEntry] = []
        var seen = Set<String>()
        for place in places {
            for e in files.list(place.path) ?? [] where !e.isDirectory && Self.matches(e.name, extensions) {
                if seen.insert(e.path).inserted { all.append(e) }
            }
        }
        found = all.sorted { ($0.modified, $1.name) > ($1.modified, $0.name) }
        refresh()
    }

    static func matches(_ name: String, _ extensions: [String]) -> Bool {
        let lower = name.lowercased()
        return extensions.contains { lower.hasSuffix($0) }
    }

    /// The typed text as a path: `~` is home, a relative path is from the current folder.
    func expanded(_ text: String) -> String {
        var t = text
        if t == "~" || t.hasPrefix("~/"), let home { t = home + t.dropFirst() }
        if !t.hasPrefix("/") { t = (workingDirectory as NSString).appendingPathComponent(t) }
        while t.count > 1 && t.hasSuffix("/") { t.removeLast() }
        return t
    }

    /// Whether the field holds a path (its folder is listed) rather than words to find a file by.
    var typingPath: Bool { field.text.contains("/") || field.text.hasPrefix("~") }

    /// The typed path split at its last `/`: the folder (absolute) and the start of a name.
    func folderAndPrefix() -> (folder: String, prefix: String) {
        let text = field.text
        if let slash = text.lastIndex(of: "/") {
            let dir = String(text[...slash])
            return (expanded(dir), String(text[text.index(after: slash)...]))
        }
        if text == "~" { return (expanded("~"), "") }
        return (workingDirectory, text)
    }

    /// The entries a typed path's folder has that start with its last part: folders first, then files.
    func completions() -> [FileEntry] {
        let (folder, prefix) = folderAndPrefix()
        let entries = (files.list(folder) ?? []).filter {
            $0.name.hasPrefix(prefix) && ($0.isDirectory || Self.matches($0.name, extensions))
        }
        return entries.sorted { ($0.isDirectory ? 0 : 1, $0.name) < ($1.isDirectory ? 0 : 1, $1.name) }
    }

    func refresh() {
        let q = field.text.trimmedField.lowercased()
        if typingPath {
            shown = completions()
        } else if q.isEmpty {
            shown = found
        } else {
            shown = found.filter { $0.name.lowercased().contains(q) }
        }
        cursor.count = shown.count
        cursor.selected = 0
        cursor.top = 0
    }

    /// Tab: the typed path as far as its completions agree (a whole name, with `/` for a folder).
    func complete() {
        if !typingPath {
            // Words, not a path: Tab takes the selected file's path to go on from there.
            if cursor.selected < shown.count { field = TextField(tilded(shown[cursor.selected].path)) }
            refresh()
            return
        }
        let options = completions()
        guard !options.isEmpty else {
            problem = nil
            return
        }
        let (_, prefix) = folderAndPrefix()
        var common = options[0].name
        for o in options.dropFirst() { common = Self.commonPrefix(common, o.name) }
        var text = field.text
        text.removeLast(prefix.count)
        text += common
        if options.count == 1 && options[0].isDirectory { text += "/" }
        field = TextField(text)
        refresh()
    }

    /// The longest start two names share, by whole characters (a CJK name is never split).
    static func commonPrefix(_ a: String, _ b: String) -> String {
        var out = ""
        for (x, y) in zip(a, b) {
            guard x == y else { break }
            out.append(x)
        }
        return out
    }

    /// A path written from home as `~/…`, as a clerk reads it.
    func tilded(_ path: String) -> String {
        guard let home, path.hasPrefix(home + "/") else { return path }
        return "~" + path.dropFirst(home.count)
    }

    /// Enter: the selected entry (a folder opens), else the typed path.
    func choose(_ app: App) {
        if cursor.selected < shown.count {
            let e = shown[cursor.selected]
            if e.isDirectory {
                field = TextField(tilded(e.path) + "/")
                refresh()
                return
            }
            pick(e.path, app)
            return
        }
        let text = field.text.trimmedField
        guard !text.isEmpty else { return }
        let path = expanded(text)
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        if files.list(path) != nil {
            field = TextField(text.hasSuffix("/") ? text : text + "/")
            refresh()
        } else if files.list(folder)?.contains(where: { $0.name == name && !$0.isDirectory }) == true {
            pick(path, app)
        } else {
            problem = app.t("没有这个文件：\(text)", "no such file: \(text)")
        }
    }

    func pick(_ path: String, _ app: App) {
        app.overlay = nil
        onPick(path, app)
    }

    // MARK: Drawing

    /// "12.3 KB", "980 B", "4.5 MB".
    static func size(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let kb = Double(bytes) / 1024
        if kb < 1024 { return String(format: "%.1f KB", kb) }
        return String(format: "%.1f MB", kb / 1024)
    }

    func placeLabel(_ folder: String, _ app: App) -> String {
        if let p = places.first(where: { $0.path == folder }) { return p.label.text(app.words) }
        return tilded(folder)
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let width = min(g.width - 2, 110)
        let height = g.height - 2
        let (top, left) = centredBox(&g, height: height, width: width, title: title)
        let inner = width - 4
        let x = g.put(app.t("文件：", "File: "), row: top + 1, column: left + 2, style: .bold)
        let cur = field.draw(into: &g, row: top + 1, column: x, width: inner - (x - left - 2), style: .underline)
        g.cursor = (top + 1, cur)
        let where_ = places.map { $0.label.text(app.words) }.joined(separator: app.t("、", ", "))
        let sub =
            typingPath
            ? app.t("文件夹 \(tilded(folderAndPrefix().folder))", "folder \(tilded(folderAndPrefix().folder))")
            : app.t("最近的表格，新的在前（\(where_)）", "recent spreadsheets, newest first (\(where_))")
        g.put(sub, row: top + 2, column: left + 2, style: .dim, maxWidth: inner)
        g.put(
            app.t("输入文字按名称查找；输入路径（以 / 或 ~ 开头）按 Tab 补全", "type words to find by name, or a path (/ or ~) that Tab completes"),
            row: top + 3, column: left + 2, style: .dim, maxWidth: inner)
        // Columns: name, size, modified, folder; the name takes what is left.
        let sizeW = 9, dateW = 16, placeW = min(16, max(8, inner / 6))
        let nameW = max(10, inner - sizeW - dateW - placeW - 6)
        let header =
            app.t("名称", "Name").fitted(toWidth: nameW) + "  " + app.t("大小", "Size").fitted(toWidth: sizeW, align: .right)
            + "  " + app.t("修改时间", "Modified").fitted(toWidth: dateW) + "  " + app.t("位置", "Where").fitted(toWidth: placeW)
        g.put(header, row: top + 4, column: left + 2, style: .bold, maxWidth: inner)
        let visible = max(1, height - 9)
        cursor.clamp(visible: visible)
        if shown.isEmpty {
            let none =
                typingPath
                ? app.t("没有以此开头的表格或文件夹", "no spreadsheet or folder starts so")
                : app.t(
                    "没有找到表格（.xlsx .csv .txt .tsv）；请输入文件的路径", "no spreadsheet found (.xlsx .csv .txt .tsv); type the file's path")
            g.put(none, row: top + 5, column: left + 2, style: .dim, maxWidth: inner)
        }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = app.timeZone
        f.dateFormat = "yyyy-MM-dd HH:mm"
        for i in 0..<min(visible, shown.count - cursor.top) {
            let index = cursor.top + i
            let e = shown[index]
            let selected = index == cursor.selected
            let row = top + 5 + i
            let style: Style = selected ? .reverse : []
            if selected { g.fill(row: row, from: left + 1, width: width - 2, style: .reverse) }
            let name = e.isDirectory ? e.name + "/" : e.name
            let line =
                name.fitted(toWidth: nameW) + "  "
                + (e.isDirectory ? "" : Self.size(e.size)).fitted(toWidth: sizeW, align: .right)
                + "  " + f.string(from: e.modified).fitted(toWidth: dateW) + "  "
                + placeLabel(e.folder, app).fitted(toWidth: placeW)
            g.put(line, row: row, column: left + 2, style: e.isDirectory ? style.union(.bold) : style, maxWidth: inner)
        }
        if let problem { g.put("✗ " + problem, row: top + height - 3, column: left + 2, style: [.red, .bold], maxWidth: inner) }
        g.put(Self.keymap.hint(self, app), row: top + height - 2, column: left + 2, style: .dim, maxWidth: inner)
    }

    static let keymap: Keymap<FileChooser> = Keymap([
        KeyBinding([.enter], hint: ("Enter 选择", "Enter picks")) { c, _, app in c.choose(app) },
        KeyBinding([.tab], hint: ("Tab 补全", "Tab completes")) { c, _, _ in
            c.problem = nil
            c.complete()
        },
        KeyBinding(
            [.up, .down, .pageUp, .pageDown, .mouse(kind: .wheelUp), .mouse(kind: .wheelDown)], hint: ("↑↓ 移动", "↑↓ move")
        ) { c, key, app in
            _ = c.cursor.handle(key, visible: max(1, app.height - 11))
        },
        KeyBinding([.escape], hint: ("Esc 返回", "Esc backs out")) { c, _, app in
            app.overlay = nil
            c.onCancel(app)
        },
    ])

    /// A command, else typed into the path field.
    func handle(_ key: Key, _ app: App) {
        if !Self.keymap.dispatch(key, self, app), field.handle(key) {
            problem = nil
            refresh()
        }
    }
}
