import CeledgerSheets
import Foundation

/// Reads rows and prepares them (cells checked and parsed by the domain) on a thread of its own, a batch
/// ahead of the caller, who writes them to the ledger (the file's or the server's): an import keeps both
/// cores busy instead of parsing and writing in turn. The caller sees the rows in the file's order, and a broken file's error
/// after the rows before it, exactly as a plain loop over the reader would give them.
///
/// The reader belongs to the thread from `init` until `finish()` returns; the caller must call
/// `finish()` (a `defer` does) before touching the reader again, also when it stops early.
public final class Prefetch<Prepared: Sendable>: @unchecked Sendable {
    private enum Batch {
        case rows([(CSVRow, Prepared)], bytesRead: Int)
        case end(bytesRead: Int)
        case failed(CSVError, bytesRead: Int)
    }

    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var stopping = false
    private var producing = true
    /// Batches waiting at most: memory stays bounded however long the file is.
    private let capacity = 4
    /// Batch arrays the caller is done with, for the reading thread to fill again instead of a new one
    /// for each batch.
    private var spare: [[(CSVRow, Prepared)]] = []

    private var current: [(CSVRow, Prepared)] = []
    private var index = 0
    private var ended = false
    /// Bytes of the file consumed up to the rows handed out so far, for progress.
    public private(set) var bytesRead = 0

    /// `batchSize`: rows handed over at a time. Small batches keep the reading thread's heap small: with
    /// 2048 rows a batch, the rows in flight (their cells and parsed records, freed on the other thread)
    /// made that heap grow with the file, some 20 bytes a row (the 10M-record import peaked at 557 MiB
    /// against 348 at 1M); with 256 it stays at a few megabytes, and the writer waits no longer.
    public init(_ reader: any RowSource, batchSize: Int = 256, prepare: @escaping @Sendable (CSVRow) -> Prepared) {
        let source = UncheckedSource(reader)
        let thread = Thread { [self] in produce(source.reader, batchSize: batchSize, prepare: prepare) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private struct UncheckedSource: @unchecked Sendable {
        let reader: any RowSource
        init(_ reader: any RowSource) { self.reader = reader }
    }

    private func produce(_ reader: any RowSource, batchSize: Int, prepare: (CSVRow) -> Prepared) {
        while true {
            condition.lock()
            while queue.count >= capacity && !stopping { condition.wait() }
            let stop = stopping
            var rows = spare.popLast() ?? []
            condition.unlock()
            if stop { break }
            rows.reserveCapacity(batchSize)
            var last: Batch?
            do {
                while rows.count < batchSize {
                    guard let row = try reader.next() else {
                        last = .end(bytesRead: reader.bytesRead)
                        break
                    }
                    rows.append((row, prepare(row)))
                }
            } catch {
                last = .failed(error, bytesRead: reader.bytesRead)
            }
            condition.lock()
            if !rows.isEmpty { queue.append(.rows(rows, bytesRead: reader.bytesRead)) }
            if let last { queue.append(last) }
            condition.broadcast()
            condition.unlock()
            if last != nil { break }
        }
        condition.lock()
        producing = false
        condition.broadcast()
        condition.unlock()
    }

    /// The next row with what was prepared from it; nil at the end of the file; the reader's error where
    /// the file breaks.
    public func next() throws(CSVError) -> (CSVRow, Prepared)? {
        while index == current.count {
            if ended { return nil }
            // The rows handed out are the caller's copies: the array goes back emptied.
            var used: [(CSVRow, Prepared)] = []
            swap(&used, &current)
            used.removeAll(keepingCapacity: true)
            condition.lock()
            if used.capacity > 0 { spare.append(used) }
            while queue.isEmpty { condition.wait() }
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            switch batch {
            case .rows(let rows, let bytes):
                current = rows
                index = 0
                bytesRead = bytes
            case .end(let bytes):
                ended = true
                bytesRead = bytes
                current = []
                index = 0
            case .failed(let error, let bytes):
                ended = true
                bytesRead = bytes
                current = []
                index = 0
                throw error
            }
        }
        defer { index += 1 }
        return current[index]
    }

    /// Stops the thread (after the batch it is reading) and waits for it: the reader is the caller's again.
    public func finish() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while producing { condition.wait() }
        queue.removeAll()
        condition.unlock()
    }
}
