import SIPASCore
import Synchronization

/// Rows that never change once committed (units, a campaign's measured units), kept in memory by
/// id: every submission needs them, and re-reading them was a large share of its cost. Callers
/// only store values read outside a transaction, so nothing uncommitted is ever cached.
public final class ImmutableRowCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[Int: Value]>([:])

    public init() {}

    public func get(_ id: Int) -> Value? { entries.withLock { $0[id] } }
    public func set(_ id: Int, _ value: Value) { entries.withLock { $0[id] = value } }
    /// For the one exception: a draft campaign's plan, replaced as a whole.
    public func remove(_ id: Int) { _ = entries.withLock { $0.removeValue(forKey: id) } }
}
