import SIPASCore
import SQLiteNIO

/// SQLite read connections. In WAL mode readers see the last committed state and never wait for
/// the writer, so requests that only read (sign-in checks, lookups, the index) run beside writes.
actor ConnectionPool {
    private var idle: [SQLiteConnection]
    private var all: [SQLiteConnection]
    private let limiter: AsyncLimiter
    nonisolated let size: Int

    init(_ connections: [SQLiteConnection]) {
        size = connections.count
        idle = connections
        all = connections
        limiter = AsyncLimiter(capacity: connections.count)
    }

    /// A connection, or `DatabaseError.busy` when none comes free within `timeout`.
    func acquire(timeout: Duration) async throws -> SQLiteConnection {
        try await limiter.acquire(timeout: timeout)
        return idle.popLast()!
    }

    func release(_ connection: SQLiteConnection) async {
        idle.append(connection)
        await limiter.release()
    }

    /// Closes every connection once it is back: a read still running (the start-up warm-up, say)
    /// finishes first rather than losing its connection under it.
    func closeAll() async {
        let connections = all
        for _ in connections { _ = try? await acquire(timeout: .seconds(60)) }
        for connection in connections { try? await connection.close() }
        all = []
        idle = []
    }
}
