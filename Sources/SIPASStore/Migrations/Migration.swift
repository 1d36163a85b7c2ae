import SIPASCore
import Foundation
import SQLKit

/// One step of the schema. Released migrations are never edited: a change is a new migration.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// The statements for an engine, run in one transaction.
    let statements: @Sendable (Database.Engine) -> [String]
}

/// Applies the pending migrations, in order, each in its own transaction.
public enum Migrator {
    static let all: [Migration] = [initialSchema, responsesInStorageOrder, compactResponseSnapshots, trustAndOwnership, releases, sealedState, campaignDocuments, sampling, frameChunks, fieldwork, fieldworkSeal]

    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// Returns the versions applied by this call.
    @discardableResult
    public static func migrate(_ db: Database) async throws -> [Int] {
        try await db.withConnection { sql in
            try await sql.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
                """).run()
        }
        let applied = try await appliedVersions(db)
        if let newest = applied.max(), newest > latestVersion {
            throw DatabaseError.migration("cơ sở dữ liệu ở phiên bản lược đồ \(newest), mới hơn chương trình này (\(latestVersion)); hãy dùng bản sipas mới hơn (the database is newer than this program)")
        }
        var done: [Int] = []
        for migration in all where !applied.contains(migration.version) {
            try await db.transaction { sql in
                for statement in migration.statements(db.engine) {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
                try await sql.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Timestamp.now()))
                    """).run()
            }
            done.append(migration.version)
        }
        return done
    }

    public static func appliedVersions(_ db: Database) async throws -> Set<Int> {
        try await db.withConnection { sql in
            Set(try await sql.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int.self) })
        }
    }
}

/// Timestamps are stored as ISO 8601 text in UTC with milliseconds (portable across both
/// engines, sortable as text). Formatted by hand: a date formatter per call costs more than the
/// database write it annotates.
public enum Timestamp {
    public static func now() -> String { string(Date()) }

    public static func string(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds % 1000), 3))Z"
    }
}
