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

    func closeAll() async {
        for connection in all { try? await connection.close() }
        all = []
        idle = []
    }
}
