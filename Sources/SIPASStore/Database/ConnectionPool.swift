import SQLiteNIO

/// SQLite read connections. In WAL mode readers see the last committed state and never wait for
/// the writer, so requests that only read (sign-in checks, lookups, the index) run beside writes.
actor ConnectionPool {
    private var idle: [SQLiteConnection]
    private var all: [SQLiteConnection]
    private var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []

    init(_ connections: [SQLiteConnection]) {
        idle = connections
        all = connections
    }

    func acquire() async -> SQLiteConnection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ connection: SQLiteConnection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }

    /// Closes every connection once it is back: a read still running (the start-up warm-up, say)
    /// finishes first rather than losing its connection under it.
    func closeAll() async {
        let connections = all
        for _ in connections { _ = await acquire() }
        for connection in connections { try? await connection.close() }
        all = []
        idle = []
    }
}
