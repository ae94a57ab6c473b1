import CeledgerDomain
import CeledgerText

/// A table column on screen: fixed width, or flexible (takes what is left, at least `width`).
struct ColumnSpec {
    /// Identifies the column to the screen that fills it.
    let key: String
    let title: String
    let width: Int
    var align: Align = .left
    var flexible = false
    /// Columns dropped first when the terminal is narrow (higher drops first; 0 never).
    var dropPriority = 0
}

/// Decides which columns fit and how wide each is.
struct ColumnLayout {
    let columns: [ColumnSpec]
    let widths: [Int]
    let gap = 1

    init(_ specs: [ColumnSpec], totalWidth: Int, gap: Int = 1) {
        var kept = specs
        func needed(_ cs: [ColumnSpec]) -> Int { cs.reduce(0) { $0 + $1.width } + gap * max(0, cs.count - 1) + 1 }
        while needed(kept) > totalWidth,
            let drop = kept.indices.filter({ kept[$0].dropPriority > 0 }).max(by: {
                kept[$0].dropPriority < kept[$1].dropPriority
            })
        {
            kept.remove(at: drop)
        }
        var ws = kept.map(\.width)
        let spare = totalWidth - needed(kept)
        if spare > 0, let flex = kept.firstIndex(where: \.flexible) { ws[flex] += spare }
        columns = kept
        widths = ws
    }

    /// Lays out one row of cells starting at column 1; returns the column start of each cell.
    func draw(_ cells: [String], into grid: inout TextGrid, row: Int, style: Style = [], styles: [Int: Style] = [:]) {
        var x = 1
        for (i, c) in columns.enumerated() {
            let text = cells[i].fitted(toWidth: widths[i], align: c.align)
            grid.put(text, row: row, column: x, style: style.union(styles[i] ?? []), maxWidth: widths[i])
            x += widths[i] + gap
        }
    }

    func header(into grid: inout TextGrid, row: Int) {
        draw(columns.map(\.title), into: &grid, row: row, style: .bold)
    }
}

/// Small formatting helpers shared by the screens.
enum Format {
    /// A progress bar toward a target, in eighths of a cell: "█████▌    ".
    static func bar(_ value: Hours, of target: Hours, width: Int) -> String {
        guard width > 0 else { return "" }
        let eighths = target.tenths <= 0 ? width * 8 : min(width * 8, value.tenths * width * 8 / target.tenths)
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var s = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { s += partial[eighths % 8] }
        return s + String(repeating: " ", count: max(0, width - s.count))
    }

    /// "2024-03-04~03-10", or one date for a one-day activity.
    static func span(_ a: Day, _ b: Day) -> String {
        if a == b { return a.iso }
        if a.year == b.year { return a.iso + "~" + String(b.iso.dropFirst(5)) }
        return a.iso + "~" + b.iso
    }

    static func statusStyle(_ t: AnnualTotals) -> Style {
        switch t.shortage {
        case .none: .green
        case .professionalOnly, .publicOnly: .yellow
        case .total: .red
        }
    }
}
