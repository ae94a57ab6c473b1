import CeledgerLedger

/// The rows of a long list that are on the screen, read page by page through the list's keys (keyset
/// paging): moving, paging and jumping to either end each read at most a screenful, wherever in the list
/// they are, so a key costs the same on a ledger of ten persons or of a million records.
struct ListWindow {
    /// Reads rows next to a key: after it (`forward`) or before it, including it or not; nil starts at the
    /// list's start (forward) or end (backward). Rows come in list order.
    typealias Fetch = (_ from: ListKey?, _ forward: Bool, _ including: Bool, _ limit: Int) throws -> [PersonListRow]

    private(set) var rows: [PersonListRow] = []
    /// The selected row's index in `rows`.
    private(set) var selected = 0

    var selectedRow: PersonListRow? { selected < rows.count ? rows[selected] : nil }

    /// The first screenful, the first row selected.
    mutating func top(_ visible: Int, _ fetch: Fetch) throws {
        rows = try fetch(nil, true, false, visible)
        selected = 0
    }

    /// The last screenful, the last row selected.
    mutating func bottom(_ visible: Int, _ fetch: Fetch) throws {
        rows = try fetch(nil, false, false, visible)
        selected = max(0, rows.count - 1)
    }

    /// The screenful around `key` with it selected at screen row `at` where the list allows; false (and
    /// the window unchanged) when the key is no longer in the list.
    mutating func show(_ key: ListKey, at row: Int, _ visible: Int, _ fetch: Fetch) throws -> Bool {
        let from = try fetch(key, true, true, visible)
        guard from.first?.key == key else { return false }
        var above = try fetch(key, false, false, max(0, min(row, visible - 1)))
        if above.count + from.count < visible, let first = above.first ?? from.first {
            above = try fetch(first.key, false, false, visible - above.count - from.count) + above
        }
        rows = Array((above + from).prefix(visible))
        selected = above.count
        return true
    }

    /// Moves the selection by `delta` rows, reading beyond the window's edges as needed.
    mutating func move(by delta: Int, _ visible: Int, _ fetch: Fetch) throws {
        guard !rows.isEmpty else { return }
        let target = selected + delta
        if target >= 0 && target < rows.count {
            selected = target
        } else if target >= rows.count {
            let more = try fetch(rows.last!.key, true, false, target - rows.count + 1)
            let all = rows + more
            selected = min(target, all.count - 1)
            let start = max(0, selected - visible + 1)
            rows = Array(all[start...].prefix(visible))
            selected -= start
        } else {
            let more = try fetch(rows.first!.key, false, false, -target)
            rows = Array((more + rows).prefix(visible))
            selected = max(0, more.count + target)
        }
    }

    /// The next screenful (or the last rows when fewer are left), the selection at the same screen row.
    mutating func pageDown(_ visible: Int, _ fetch: Fetch) throws {
        guard let last = rows.last else { return }
        let next = try fetch(last.key, true, false, visible)
        if next.isEmpty {
            selected = rows.count - 1
            return
        }
        // The list scrolls by what there is (a screenful, or the rest); the selection moves the remainder.
        rows = Array((rows + next).suffix(visible))
        selected = min(rows.count - 1, selected + max(0, visible - next.count))
    }

    /// The previous screenful (or the first rows), the selection at the same screen row.
    mutating func pageUp(_ visible: Int, _ fetch: Fetch) throws {
        guard let first = rows.first else { return }
        let previous = try fetch(first.key, false, false, visible)
        if previous.isEmpty {
            selected = 0
            return
        }
        rows = Array((previous + rows).prefix(visible))
        if previous.count < visible { selected = max(0, selected - (visible - previous.count)) }
    }

    /// Selects the row on screen row `index` of the window.
    mutating func select(_ index: Int) {
        if index >= 0 && index < rows.count { selected = index }
    }

    /// Keeps the window within `visible` rows after the screen shrank, the selection on screen.
    mutating func fit(_ visible: Int) {
        guard rows.count > visible else { return }
        let start = max(0, min(selected - visible + 1, rows.count - visible))
        rows = Array(rows[start..<(start + visible)])
        selected -= start
    }
}
