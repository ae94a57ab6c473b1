extension PostgresLedger {
    /// The bytes of a `bytea` or `encode(…, 'hex')` text ("\\x" and anything else not a hex digit skipped):
    /// a proof file's content, a chain link's digest, a moved ledger's blobs. (The other way: `SHA256.hexDigits`.)
    static func unhex(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 97...102: v = c - 87
            case 65...70: v = c - 55
            default: continue
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out
    }
}
