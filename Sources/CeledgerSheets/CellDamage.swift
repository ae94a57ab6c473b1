/// Why a cell's text is not what the clerk typed.
public enum CellDamage: Sendable, Hashable {
    /// A number of 16 or more digits: a spreadsheet keeps 15 significant digits, so the rest are lost
    /// (an 18-digit ID number typed into a cell formatted as a number). The text is what is left.
    case digitsLost
}
