import SQLKit

/// Group commit for small, frequent writes (a keyed form): writes that arrive while a transaction
/// is committing wait and then run together in the next one, each in its own savepoint. Each
/// still stands alone — what one reads includes the writes before it, its failure rolls back its
/// own savepoint only, and its caller gets its own result or error — but the durable commit (an
/// fsync) is paid once per group, so twenty clerks saving at once do not queue behind twenty fsyncs.
public actor GroupCommit {
    public typealias Work = @Sendable (any SQLDatabase) async throws -> any Sendable

    private struct Pending {
        let work: Work
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private let db: Database
    private var pending: [Pending] = []
    private var committing = false
    /// Writes per group: bounds a transaction's length and so a waiter's latency.
    private let groupLimit = 32

    public init(_ db: Database) { self.db = db }

    /// Runs `body` in a transaction shared with the writes arriving meanwhile, returning once committed.
    public func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            pending.append(Pending(work: { sql in try await body(sql) }, continuation: continuation))
            if !committing {
                committing = true
                // Detached: the writing request's task-local connection must not follow the group.
                Task.detached { await self.commitWhilePending() }
            }
        }
        guard let typed = value as? T else { preconditionFailure("a grouped write returned another type") }
        return typed
    }

    private func commitWhilePending() async {
        while !pending.isEmpty {
            let group = Array(pending.prefix(groupLimit))
            pending.removeFirst(group.count)
            // The actor is free while the group commits: new writes queue for the next one.
            await commit(group)
        }
        committing = false
    }

    private func commit(_ group: [Pending]) async {
        let works = group.map(\.work)
        do {
            let results = try await db.transaction { sql in
                var results: [Result<any Sendable, any Error>] = []
                for work in works { results.append(try await Self.alone(work, on: sql)) }
                return results
            }
            for (item, result) in zip(group, results) { item.continuation.resume(with: result) }
        } catch {
            // The commit itself failed (the disk is full, say): nothing of the group was kept.
            for item in group { item.continuation.resume(throwing: error) }
        }
    }

    /// One write in its savepoint: kept if it returns, rolled back — with the audit chain's head
    /// and the fieldwork seals it may have moved — if it throws.
    private static func alone(_ work: Work, on sql: any SQLDatabase) async throws -> Result<any Sendable, any Error> {
        let head = Database.pendingEffects?.auditHead.withLock { $0 }
        let sums = Database.pendingEffects?.fieldworkSums.withLock { $0 }
        try await sql.raw("SAVEPOINT grouped_write").run()
        do {
            let value = try await work(sql)
            try await sql.raw("RELEASE SAVEPOINT grouped_write").run()
            return .success(value)
        } catch {
            try await sql.raw("ROLLBACK TO SAVEPOINT grouped_write").run()
            try await sql.raw("RELEASE SAVEPOINT grouped_write").run()
            Database.pendingEffects?.auditHead.withLock { $0 = head }
            if let sums { Database.pendingEffects?.fieldworkSums.withLock { $0 = sums } }
            return .failure(error)
        }
    }
}
