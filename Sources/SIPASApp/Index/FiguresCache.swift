import Foundation
import SIPASCore
import Synchronization

/// Index results already computed, keyed by everything they depend on — the campaign's responses
/// as of the last one stored (count and last storage id), the grouping, the floor, the geography
/// and the viewer's scope — so a dashboard shown again is not estimated again, and a new
/// response makes a new key. Bounded by the rows it holds; the oldest go first.
final class FiguresCache: Sendable {
    struct Key: Hashable, Sendable {
        var campaign: Int
        var responses: Int
        var lastId: Int
        var by: [String]
        var rollup: String?
        var minN: Int
        var geography: String
        var measures: String
        var scope: [Int]
        /// The fieldwork state the sample's weights come from ("" without a sample).
        var sample: String = ""
    }

    static let maxRows = 600_000
    private let state = Mutex<(entries: [Key: (IndexResult, Int)], order: [Key], rows: Int)>(([:], [], 0))

    func get(_ key: Key) -> (IndexResult, Int)? { state.withLock { $0.entries[key] } }

    func set(_ key: Key, _ value: (IndexResult, Int)) {
        let rows = value.0.rows.count
        guard rows <= Self.maxRows / 2 else { return }
        state.withLock { s in
            guard s.entries[key] == nil else { return }
            s.entries[key] = value
            s.order.append(key)
            s.rows += rows
            while s.rows > Self.maxRows, !s.order.isEmpty {
                let oldest = s.order.removeFirst()
                s.rows -= s.entries.removeValue(forKey: oldest)?.0.rows.count ?? 0
            }
        }
    }
}
