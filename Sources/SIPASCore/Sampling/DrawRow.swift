import Foundation

/// One line of a draw (sampling-method §11): a selected area or frame row.
public struct DrawRow: Sendable, Equatable {
    public enum Role: String, Sendable { case sample, reserve, certainty }
    public var stage: String
    /// The stratum key (person stage) or the parent's key (area stage).
    public var stratum: String
    public var key: String
    public var role: Role
    /// From 1: rank by U among sample then reserves, or position in key order among a parent's
    /// selected areas.
    public var order: Int
    /// The stage's own inclusion probability.
    public var pi: Double
    /// The row's position in the frame as read, when the reader asked for it: the caller finds the
    /// drawn rows' other columns without looking each key up. Not part of the draw (nor of equality).
    public var row: Int?

    public init(stage: String, stratum: String, key: String, role: Role, order: Int, pi: Double, row: Int? = nil) {
        self.stage = stage
        self.stratum = stratum
        self.key = key
        self.role = role
        self.order = order
        self.pi = pi
        self.row = row
    }

    public static func == (a: DrawRow, b: DrawRow) -> Bool {
        a.stage == b.stage && a.stratum == b.stratum && a.key == b.key && a.role == b.role && a.order == b.order && a.pi == b.pi
    }
}

/// Why a draw cannot be made; each names its place so a message can say where to look.
public enum SamplingError: Error, Equatable, Sendable {
    case allocation(stage: String, Allocation.Refusal)
    case totalExceedsFrame(stage: String, wanted: Int, rows: Int)
    case sizeNotPositive(stage: String, area: String, value: String)
    case sizeNotANumber(stage: String, area: String, value: String)
    case duplicateKey(stage: String, key: String)
    case emptyKey(stage: String, line: Int)
    case emptySeed
}
