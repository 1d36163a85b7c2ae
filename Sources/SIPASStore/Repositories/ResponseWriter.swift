/// Group commit for responses: submissions that arrive while a transaction is committing wait
/// and then commit together in the next one. Each submission still stands alone (its own
/// conflicts, its own audit entry), but a durable commit — an fsync — is paid once per group
/// instead of once per response, which is what lets many enumerators and citizens submit at once.
public actor ResponseWriter {
    private struct Pending {
        let submission: ResponseRepository.Submission
        let continuation: CheckedContinuation<ResponseRepository.Stored, any Error>
    }

    private let db: Database
    private let repository: ResponseRepository
    private var pending: [Pending] = []
    private var committing = false
    /// Responses per group: bounds a transaction's size and a waiter's latency.
    private let groupLimit = 2_000

    public init(_ db: Database) {
        self.db = db
        repository = ResponseRepository(db)
    }

    /// Stores a submission (all or nothing), durably, returning once it is committed.
    /// Throws `ResponseRepository.Conflict` for ids stored with other content.
    public func store(_ submission: ResponseRepository.Submission) async throws -> ResponseRepository.Stored {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(submission: submission, continuation: continuation))
            if !committing {
                committing = true
                // Detached: the submitting request's task-local connection must not follow the writer.
                Task.detached { await self.commitWhilePending() }
            }
        }
    }

    private func commitWhilePending() async {
        while !pending.isEmpty {
            var size = 0
            let count = pending.prefix { item in
                defer { size += item.submission.records.count }
                return size < groupLimit
            }.count
            let group = Array(pending.prefix(max(1, count)))
            pending.removeFirst(group.count)
            // The actor is free while the group commits: new submissions queue for the next one.
            await commit(group)
        }
        committing = false
    }

    private func commit(_ group: [Pending]) async {
        do {
            let submissions = group.map(\.submission)
            let outcomes = try await db.transaction { [repository] sql in
                try await repository.store(submissions, on: sql)
            }
            for (item, outcome) in zip(group, outcomes) { item.continuation.resume(with: outcome.mapError { $0 as any Error }) }
        } catch {
            guard group.count > 1 else {
                group[0].continuation.resume(throwing: error)
                return
            }
            // A failure of the whole group (another process storing the same id meanwhile, say)
            // must not fail the others: each submission again, in its own transaction.
            for item in group {
                do {
                    let submission = item.submission
                    let outcome = try await db.transaction { [repository] sql in
                        try await repository.store([submission], on: sql)[0]
                    }
                    item.continuation.resume(with: outcome.mapError { $0 as any Error })
                } catch {
                    item.continuation.resume(throwing: error)
                }
            }
        }
    }
}
