import SIPASCore
import Foundation
import Synchronization

/// Rows that can change (sessions, campaign records), kept for a few seconds: every API request
/// checks its token and most name a campaign, and a query per check cost more than the request's
/// own work. Writes through this process clear the caches at once (and again when their
/// transaction commits); changes made by another process show within `lifetime`.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (value: Value, until: Date)]>([:])
    private let lifetime: TimeInterval

    public init(lifetime: TimeInterval) { self.lifetime = lifetime }

    public func get(_ key: Key) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.until < Date() {
                entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    public func set(_ key: Key, _ value: Value) {
        entries.withLock { entries in
            if entries.count > 100_000 { entries.removeAll() }
            entries[key] = (value, Date().addingTimeInterval(lifetime))
        }
    }

    public func removeAll() { entries.withLock { $0.removeAll() } }
}
