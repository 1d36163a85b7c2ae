import SIPASCore
import Foundation
import Synchronization
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// The storage engine behind every repository: SQLite (embedded, WAL, foreign keys, busy timeout)
/// or PostgreSQL, through one SQLKit query layer.
public final class Database: Sendable {
    public enum Engine: String, Sendable { case sqlite, postgres }

    public let engine: Engine
    public let location: DatabaseLocation
    /// Seals the audit chain; its key lives outside the database.
    let storageRefusesWrites = Atomic<Bool>(false)
    public let auditSeal: AuditSeal
    private let backend: Backend
    /// Reads of whole tables (every response of a campaign, the whole audit log) take turns so
    /// that they never hold every connection: one is always left for short reads — sign-in, a
    /// page, the health check — however many such reads arrive at once.
    let bulkReads: AsyncLimiter
    let questionnaireCache = QuestionnaireCache()
    let unitCache = ImmutableRowCache<AdminUnit>()
    /// A campaign's measured units are fixed when it is created.
    public let measuredUnitCache = ImmutableRowCache<[(unit: AdminUnit, target: CampaignRepository.MeasuredUnit)]>()
    /// Campaigns' responses in the compact form the index engine reads.
    public let compactResponses = CompactResponsesCache()
    /// The same responses decoded for the wishes (`WishesPlan`), built when first asked for.
    public let wishResponses = CompactResponsesCache(snapshots: false)
    /// Signed-in users by token digest.
    let sessionCache = ExpiringCache<String, UserRepository.Session>(lifetime: 5)
    /// Campaign records by id.
    let campaignCache = ExpiringCache<Int, Campaign>(lifetime: 5)

    /// Clears the caches of changeable rows; called by every write to users, sessions and
    /// campaigns. Inside a transaction it clears them again at commit, so that a read racing
    /// the write cannot keep the old row.
    func changedCachedRows() {
        sessionCache.removeAll()
        campaignCache.removeAll()
        Self.pendingEffects?.needed.store(true, ordering: .relaxed)
    }

    /// What a transaction must do once it has committed: clear caches again, move the audit
    /// chain's head checkpoint forward.
    final class TransactionEffects: Sendable {
        let needed = Atomic<Bool>(false)
        /// The chain's head as this transaction left it: the next append extends it without reading it back.
        let auditHead = Mutex<AuditSeal.Head?>(nil)
        /// Campaign → its fieldwork seal as this transaction last recorded it (`FieldworkSeal`).
        let fieldworkSums = Mutex<[Int: String]>([:])
    }

    @TaskLocal static var pendingEffects: TransactionEffects?

    private enum Backend: Sendable {
        case sqlite(SQLiteConnection, AsyncLimiter, readers: ConnectionPool?, threads: [NIOThreadPool])
        case postgres(PostgresClient, AsyncLimiter, Task<Void, Never>)
    }

    private init(engine: Engine, location: DatabaseLocation, seal: AuditSeal, backend: Backend) {
        self.engine = engine
        self.location = location
        auditSeal = seal
        self.backend = backend
        switch backend {
        case let .sqlite(_, _, readers, _): bulkReads = AsyncLimiter(capacity: max(1, (readers?.size ?? 1) - 1))
        case .postgres: bulkReads = AsyncLimiter(capacity: Self.postgresConnections / 4)
        }
    }

    /// Whether the current task already holds a connection of this database (nested reads reuse it).
    var holdsConnection: Bool { isWriting || heldByThisTask != nil }

    /// Opens the database; `auditKeyFile` overrides where the audit key is kept.
    public static func open(_ location: DatabaseLocation, auditKeyFile: String? = nil,
                            logger: Logger = Logger(label: "sipas.store")) async throws -> Database {
        let seal = try AuditSeal.open(keyFile: auditKeyFile ?? AuditSeal.defaultKeyFile(for: location), database: location)
        switch location {
        case let .sqlite(path):
            try PrivateFiles.prepare(database: path)
            return try await openSQLite(.file(path: path), location: location, seal: seal, readers: 2, logger: logger)
        case .sqliteInMemory:
            // One private in-memory database per connection: no separate readers.
            return try await openSQLite(.memory, location: location, seal: seal, readers: 0, logger: logger)
        case let .postgres(host, port, user, password, database):
            var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: .disable)
            configuration.options.maximumConnections = Self.postgresConnections
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            // The pool warns when leased from before `run()` has begun: wait until the runner
            // task is about to call it.
            let (started, signal) = AsyncStream<Void>.makeStream()
            let runner = Task {
                signal.finish()
                await client.run()
            }
            for await _ in started {}
            await Task.yield()
            let db = Database(engine: .postgres, location: location, seal: seal,
                              backend: .postgres(client, AsyncLimiter(capacity: Self.postgresConnections), runner))
            do {
                _ = try await db.withConnection { try await $0.raw("SELECT 1").all() }
            } catch {
                runner.cancel()
                throw DatabaseError.badLocation("không kết nối được PostgreSQL \(location): \(String(reflecting: error)) (cannot connect)")
            }
            return db
        }
    }

    private static func openSQLite(_ storage: SQLiteConnection.Storage, location: DatabaseLocation, seal: AuditSeal, readers: Int,
                                   logger: Logger) async throws -> Database {
        // The writer blocks its thread in fsync at every commit: it gets a thread of its own, and
        // the readers theirs, so that neither waits behind the other for a thread.
        let writerThread = NIOThreadPool(numberOfThreads: 1)
        writerThread.start()
        let readerThreads = NIOThreadPool(numberOfThreads: max(1, readers))
        readerThreads.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        let connection = try await SQLiteConnection.open(storage: storage, threadPool: writerThread, logger: logger, on: eventLoop).get()
        // WAL lets readers proceed while a write commits; FULL sync makes every commit durable
        // (the WAL is fsynced), which group commits of submissions make affordable; the busy
        // timeout covers other processes.
        // A large import's indexes outgrow the default 2 MB page cache and spill to disk mid-transaction.
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
                       "PRAGMA busy_timeout = 5000", "PRAGMA cache_size = -131072"] {
            try await connection.sql().raw(SQLQueryString(pragma)).run()
        }
        var readConnections: [SQLiteConnection] = []
        for _ in 0..<readers {
            let reader = try await SQLiteConnection.open(storage: storage, threadPool: readerThreads, logger: logger, on: eventLoop).get()
            for pragma in ["PRAGMA busy_timeout = 5000", "PRAGMA query_only = ON"] {
                try await reader.sql().raw(SQLQueryString(pragma)).run()
            }
            readConnections.append(reader)
        }
        let pool = readConnections.isEmpty ? nil : ConnectionPool(readConnections)
        return Database(engine: .sqlite, location: location, seal: seal,
                        backend: .sqlite(connection, AsyncLimiter(capacity: 1), readers: pool, threads: [writerThread, readerThreads]))
    }

    static let postgresConnections = 40
    /// How long a request waits for a connection before it is refused as busy (503): long enough
    /// for a large import's transaction ahead of it, short enough that nothing hangs.
    public static let readTimeout = Duration.seconds(10)
    public static let writeTimeout = Duration.seconds(60)

    /// The database whose SQLite writer connection the current task holds: nested calls (a
    /// repository read inside a transaction) reuse it instead of waiting for themselves.
    @TaskLocal static var holder: ObjectIdentifier?

    /// A connection the current task holds for a read, reused by nested reads: two requests that
    /// each hold one connection never wait for a second one (that wait deadlocked the pool).
    final class HeldConnection: Sendable {
        let database: ObjectIdentifier
        let sqlite: SQLiteConnection?
        let postgres: PostgresConnection?
        /// False once the holder has given it back; a task that outlived it must not use it.
        let active = Atomic<Bool>(true)

        init(database: ObjectIdentifier, sqlite: SQLiteConnection? = nil, postgres: PostgresConnection? = nil) {
            self.database = database
            self.sqlite = sqlite
            self.postgres = postgres
        }
    }

    @TaskLocal static var held: HeldConnection?

    private var heldByThisTask: HeldConnection? {
        guard let held = Self.held, held.database == ObjectIdentifier(self), held.active.load(ordering: .acquiring) else { return nil }
        return held
    }

    /// Whether the current task is inside a write (its reads may see uncommitted rows).
    public var isWriting: Bool { Self.holder == ObjectIdentifier(self) }

    /// Runs `body` with a connection of its own (SQLite: the one connection, exclusively).
    public func withConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case let .sqlite(connection, gate, _, _):
            return try await withWriter(connection, gate) { try await body($0.sql()) }
        case .postgres:
            return try await withPostgresConnection { try await body($0.sql()) }
        }
    }

    /// Runs a read-only `body`: on SQLite, on a read connection (inside a transaction, on the
    /// transaction's own connection, so it sees its uncommitted writes).
    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard engine == .sqlite else { return try await withConnection(body) }
        return try await withSQLiteReader { try await body($0.sql()) }
    }

    /// A SQLite connection for bulk reads through the driver: a read connection when there is one.
    func withSQLiteReader<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        guard case let .sqlite(connection, gate, readers, _) = backend else { preconditionFailure("not SQLite") }
        if let readers, !isWriting {
            if let held = heldByThisTask, let reader = held.sqlite { return try await body(reader) }
            let reader = try await readers.acquire(timeout: Self.readTimeout)
            let held = HeldConnection(database: ObjectIdentifier(self), sqlite: reader)
            do {
                let result = try await Self.$held.withValue(held) { try await body(reader) }
                held.active.store(false, ordering: .releasing)
                await readers.release(reader)
                return result
            } catch {
                held.active.store(false, ordering: .releasing)
                await readers.release(reader)
                throw error
            }
        }
        return try await withWriter(connection, gate, body)
    }

    /// The SQLite writer connection, exclusively; nested calls (a repository read inside a
    /// transaction) reuse it instead of waiting for themselves.
    private func withWriter<T: Sendable>(_ connection: SQLiteConnection, _ gate: AsyncLimiter,
                                         _ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        if isWriting { return try await body(connection) }
        try await gate.acquire(timeout: Self.writeTimeout)
        do {
            let result = try await Self.$holder.withValue(ObjectIdentifier(self)) { try await body(connection) }
            await gate.release()
            return result
        } catch {
            await gate.release()
            throw error
        }
    }

    /// A PostgreSQL connection: the one this task already holds, or a new lease (refused as busy
    /// when none comes free in time).
    func withPostgresConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard case let .postgres(client, limiter, _) = backend else { preconditionFailure("not PostgreSQL") }
        if let held = heldByThisTask, let connection = held.postgres { return try await body(connection) }
        return try await limiter.run(timeout: Self.readTimeout) {
            try await client.withConnection { connection in
                let held = HeldConnection(database: ObjectIdentifier(self), postgres: connection)
                defer { held.active.store(false, ordering: .releasing) }
                return try await Self.$held.withValue(held) { try await body(connection) }
            }
        }
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws — a failed
    /// request changes nothing.
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let effects = TransactionEffects()
        return try await withConnection { sql in
            try await sql.raw("BEGIN").run()
            do {
                let result = try await Self.$pendingEffects.withValue(effects) { try await body(sql) }
                try await sql.raw("COMMIT").run()
                storageRefusesWrites.store(false, ordering: .relaxed)
                if effects.needed.load(ordering: .relaxed) { changedCachedRows() }
                if let head = effects.auditHead.withLock({ $0 }) { auditSeal.advance(to: head) }
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                if Self.isStorageFull(error) {
                    storageRefusesWrites.store(true, ordering: .relaxed)
                    throw DatabaseError.storageFull
                }
                throw error
            }
        }
    }

    /// Whether the last write failed because the disk (or the database's size limit) is full;
    /// cleared by the next write that commits. Health checks and metrics report it.
    public var writesRefused: Bool { storageRefusesWrites.load(ordering: .relaxed) }

    /// SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100) or an out-of-space I/O error.
    static func isStorageFull(_ error: any Error) -> Bool {
        let text = String(reflecting: error)
        return text.contains("SQLITE_FULL") || text.contains("database or disk is full") || text.contains("reason: full")
            || text.contains("sqlState: 53100") || text.contains("No space left on device") || text.contains("could not extend file")
    }

    /// Closes the connections; SQLite's must close before the process exits.
    public func close() async {
        switch backend {
        case let .sqlite(connection, gate, readers, threads):
            await readers?.closeAll()
            try? await gate.acquire(timeout: .seconds(120))
            try? await connection.close()
            for pool in threads { try? await pool.shutdownGracefully() }
        case let .postgres(_, _, runner):
            runner.cancel()
        }
    }

    /// SQL type of an auto-numbered primary key.
    var idColumn: String {
        engine == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    }
}

/// The database holds personal data: its folder is the owner's alone (0700) and its files —
/// the database, and the WAL and shared-memory files SQLite gives the database's own mode — 0600.
public enum PrivateFiles {
    static func prepare(database path: String) throws {
        let manager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !manager.fileExists(atPath: directory) {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw DatabaseError.badLocation("không tạo được tệp cơ sở dữ liệu \(path); hãy kiểm tra quyền ghi thư mục (cannot create the database file)")
            }
        }
        for file in [path, path + "-wal", path + "-shm"] where manager.fileExists(atPath: file) {
            try? manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }

    /// A file written with personal data (a backup): the owner's alone.
    public static func restrict(_ file: String) {
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
    }
}
