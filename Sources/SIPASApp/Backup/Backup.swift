import Foundation
import SIPASStore
import SQLKit

/// Consistent online copies of the database and their restoration. A copy taken while
/// submissions go on holds every response acknowledged before it began; a restored copy's audit
/// chain must hold under the key before it replaces anything, and its head becomes the checkpoint.
public enum Backup {
    public struct Summary: Sendable {
        public var file: String
        public var bytes: Int
        public var auditEntries: Int
    }

    /// Writes a copy of the live database to `file` (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump`
    /// in its custom format). Writers wait while SQLite copies; readers do not.
    public static func backup(_ db: Database, to file: String) async throws -> Summary {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw AppError.conflict("tệp \(file) đã có; chọn tên khác để không ghi đè bản sao lưu cũ (the file exists)")
        }
        switch db.location {
        case .sqlite:
            try await db.withConnection { sql in try await sql.raw("VACUUM INTO \(bind: file)").run() }
        case .sqliteInMemory:
            throw AppError.invalid("cơ sở dữ liệu trong bộ nhớ không sao lưu được (an in-memory database has no backup)")
        case let .postgres(host, port, user, password, database):
            try PostgresTools.run("pg_dump", ["--format=custom", "--no-owner", "--file", file, "--host", host, "--port", String(port),
                                              "--username", user, database], password: password)
        }
        let entries = try await db.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM audit_log").first()!.decode(column: "n", as: Int.self)
        }
        PrivateFiles.restrict(file)
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        return Summary(file: file, bytes: size, auditEntries: entries)
    }

    /// Replaces the database at `location` with the copy in `file`; the server must be stopped.
    /// Refused, changing nothing, when the copy's audit chain does not hold under the key.
    public static func restore(from file: String, into location: DatabaseLocation, auditKeyFile: String? = nil) async throws -> AuditLog.Verification {
        guard FileManager.default.fileExists(atPath: file) else { throw AppError.notFound("tệp sao lưu \(file)") }
        switch location {
        case let .sqlite(path):
            let staging = path + ".restoring"
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.copyItem(atPath: file, toPath: staging)
            let check = try await verifyChain(.sqlite(path: staging), keyFile: auditKeyFile ?? AuditSeal.defaultKeyFile(for: location))
            guard check.intact else {
                try? FileManager.default.removeItem(atPath: staging)
                throw refused(check)
            }
            let previous = path + ".before-restore"
            try? FileManager.default.removeItem(atPath: previous)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.moveItem(atPath: path, toPath: previous) }
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try FileManager.default.moveItem(atPath: staging, toPath: path)
        case .sqliteInMemory:
            throw AppError.invalid("không khôi phục được vào cơ sở dữ liệu trong bộ nhớ")
        case let .postgres(host, port, user, password, database):
            try PostgresTools.run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--host", host,
                                                 "--port", String(port), "--username", user, "--dbname", database, file], password: password)
        }
        let db = try await Database.open(location, auditKeyFile: auditKeyFile)
        do {
            let check = try await AuditLog(db).resetCheckpoint()
            guard check.intact else { throw refused(check) }
            _ = try await db.transaction { sql in
                try await AuditLog.append([AuditLog.Change(userId: nil, actor: "system", action: "backup.restore", entity: "database",
                                                           entityId: "", beforeDigest: nil, afterDigest: nil,
                                                           detail: "restored from \((file as NSString).lastPathComponent)")], on: sql, db: db)
            }
            let full = try await AuditLog(db).verify()
            await db.close()
            return full
        } catch {
            await db.close()
            throw error
        }
    }

    private static func verifyChain(_ location: DatabaseLocation, keyFile: String) async throws -> AuditLog.Verification {
        let db = try await Database.open(location, auditKeyFile: keyFile)
        let check = try await AuditLog(db).verifyChainOnly()
        await db.close()
        return check
    }

    private static func refused(_ check: AuditLog.Verification) -> AppError {
        AppError(.invalidContent, "bản sao lưu bị từ chối: nhật ký của nó không khớp khóa của máy chủ này (the backup's audit chain does not hold under this server's key)",
                 items: check.problems.map { AppError.Item(message: $0) })
    }
}

/// PostgreSQL's own client programs, found on the PATH or in Debian's versioned folders.
enum PostgresTools {
    static func run(_ tool: String, _ arguments: [String], password: String?) throws {
        guard let path = locate(tool) else {
            throw AppError.invalid("không tìm thấy \(tool); hãy cài gói postgresql-client (apt-get install postgresql-client) (\(tool) is missing)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["PGPASSWORD"] = password }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw AppError.invalid("\(tool) thất bại (mã \(process.terminationStatus)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    static func locate(_ tool: String) -> String? {
        let manager = FileManager.default
        let versioned = ((try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin/\(tool)" }
        let onPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(tool)" }
        return (versioned + onPath).first { manager.isExecutableFile(atPath: $0) }
    }
}
