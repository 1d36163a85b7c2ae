import Foundation
import Logging
import PostgresNIO
import SIPASApp
import SIPASCore
import SIPASStore
import Testing

/// The engines the suite runs on: SQLite always; PostgreSQL when `SIPAS_TEST_POSTGRES_URL` names a
/// server where the test user may create databases (`.ci/run` starts one).
public enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    public static var available: [TestEngine] {
        ProcessInfo.processInfo.environment["SIPAS_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    public var testDescription: String { rawValue }
}

/// A fresh database per test, copied from a template prepared once per engine (schema, unit
/// registers, built-in questionnaires, demo campaign and accounts).
public actor TestDatabases {
    public static let shared = TestDatabases()
    private var sqliteTemplate: String?
    private var postgresTemplate: String?
    private var counter = 0

    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// One preparation at a time: the actor is reentrant at every `await`, and a template must be
    /// made once and copied by one session at a time.
    public func fresh(_ engine: TestEngine) async throws -> Database {
        if busy { await withCheckedContinuation { waiters.append($0) } } else { busy = true }
        defer { if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() } }
        return try await make(engine)
    }

    private func make(_ engine: TestEngine) async throws -> Database {
        counter += 1
        switch engine {
        case .sqlite:
            let template = try await sqliteTemplatePath()
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sipas-test-\(UUID().uuidString).sqlite").path
            try FileManager.default.copyItem(atPath: template, toPath: path)
            return try await Self.withCheckpoint(try await Database.open(.sqlite(path: path), auditKeyFile: try Self.ownKey(AuditSeal.defaultKeyFile(for: .sqlite(path: template)))))
        case .postgres:
            let template = try await postgresTemplateName()
            let name = "sipas_test_\(ProcessInfo.processInfo.processIdentifier)_\(counter)_\(UInt32.random(in: 0...UInt32.max))"
            try await admin("DROP DATABASE IF EXISTS \(name)")
            // Copying a template fails while another session uses it (a parallel test creating its
            // own copy): try again shortly.
            for attempt in 1... {
                do {
                    try await admin("CREATE DATABASE \(name) TEMPLATE \(template)")
                    break
                } catch where attempt < 50 {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            return try await Self.withCheckpoint(try await Database.open(Self.postgresLocation(database: name),
                                                                         auditKeyFile: try Self.ownKey(AuditSeal.defaultKeyFile(for: Self.postgresLocation(database: template)))))
        }
    }

    /// Where a restored copy can go: a new SQLite path, or a new empty PostgreSQL database.
    public func emptyLocation(_ engine: TestEngine) async throws -> DatabaseLocation {
        counter += 1
        switch engine {
        case .sqlite:
            return .sqlite(path: FileManager.default.temporaryDirectory.appendingPathComponent("sipas-restored-\(UUID().uuidString).sqlite").path)
        case .postgres:
            let name = "sipas_restored_\(ProcessInfo.processInfo.processIdentifier)_\(counter)_\(UInt32.random(in: 0...UInt32.max))"
            try await admin("CREATE DATABASE \(name)")
            return try Self.postgresLocation(database: name)
        }
    }

    /// Copies of one template share their chain's identity (its first entry), and so the name of
    /// its head checkpoint: each copy keeps the key, and its checkpoints, in a folder of its own.
    private static func ownKey(_ templateKey: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sipas-key-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let key = folder + "/audit.key"
        try FileManager.default.copyItem(atPath: templateKey, toPath: key)
        // The demo's frame contacts are sealed with the template's contacts key.
        let contacts = ContactSeal.keyFile(besideAuditKey: templateKey)
        if FileManager.default.fileExists(atPath: contacts) {
            try FileManager.default.copyItem(atPath: contacts, toPath: ContactSeal.keyFile(besideAuditKey: key))
        }
        return key
    }

    /// A copy has the template's chain but no head checkpoint of its own yet.
    private static func withCheckpoint(_ db: Database) async throws -> Database {
        _ = try await AuditLog(db).resetCheckpoint()
        return db
    }

    private func sqliteTemplatePath() async throws -> String {
        if let sqliteTemplate { return sqliteTemplate }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sipas-template-\(UUID().uuidString).sqlite").path
        let db = try await Database.open(.sqlite(path: path))
        try await prepare(db)
        try await db.withConnection { try await $0.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
        await db.close()
        sqliteTemplate = path
        return path
    }

    private func postgresTemplateName() async throws -> String {
        if let postgresTemplate { return postgresTemplate }
        let name = "sipas_template_\(ProcessInfo.processInfo.processIdentifier)"
        try await admin("DROP DATABASE IF EXISTS \(name)")
        try await admin("CREATE DATABASE \(name)")
        let db = try await Database.open(Self.postgresLocation(database: name))
        try await prepare(db)
        await db.close()
        try await Task.sleep(for: .milliseconds(200))  // the pool's connections close asynchronously
        postgresTemplate = name
        return name
    }

    private func prepare(_ db: Database) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        try await prepareStore(db, logger: logger)
        _ = try await DemoData.seed(Platform(db: db, bcryptCost: 4))
    }

    public static func postgresLocation(database: String) throws -> DatabaseLocation {
        guard case let .postgres(host, port, user, password, _) = try DatabaseLocation(parsing: ProcessInfo.processInfo.environment["SIPAS_TEST_POSTGRES_URL"]!) else {
            fatalError("SIPAS_TEST_POSTGRES_URL is not a postgres URL")
        }
        return .postgres(host: host, port: port, user: user, password: password, database: database)
    }

    private func admin(_ statement: String) async throws {
        let db = try await Database.open(try DatabaseLocation(parsing: ProcessInfo.processInfo.environment["SIPAS_TEST_POSTGRES_URL"]!))
        do {
            try await db.withConnection { try await $0.raw(SQLQueryStringWrapper.make(statement)).run() }
            await db.close()
        } catch {
            await db.close()
            throw TestSetupError(statement: statement, detail: String(reflecting: error))
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    let statement: String
    let detail: String
    public var description: String { "\(statement): \(detail)" }
}

import SQLKit
public enum SQLQueryStringWrapper {
    public static func make(_ text: String) -> SQLQueryString { SQLQueryString(text) }
}


/// A fresh database for each engine the suite runs on (SQLite always, PostgreSQL when configured),
/// as a Swift Testing trait: the test body runs once per engine with `FreshDatabase.current` set.
public struct FreshDatabase: Sendable {
    public let engine: TestEngine
    public let db: Database
    public let platform: Platform

    @TaskLocal public static var current: FreshDatabase?

    /// The current test's database (inside a test marked `.freshDatabase`).
    public static var here: FreshDatabase {
        guard let current else { fatalError("mark the test or suite with .freshDatabase") }
        return current
    }
}

public struct FreshDatabaseTrait: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard testCase != nil else { return try await function() }
        for engine in TestEngine.available {
            let db = try await TestDatabases.shared.fresh(engine)
            let fresh = FreshDatabase(engine: engine, db: db, platform: Platform(db: db, bcryptCost: 4))
            do {
                try await FreshDatabase.$current.withValue(fresh) { try await function() }
            } catch {
                await db.close()
                throw error
            }
            await db.close()
        }
    }
}

extension Trait where Self == FreshDatabaseTrait {
    /// Runs the test on a fresh copy of the prepared database, once per available engine.
    public static var freshDatabase: FreshDatabaseTrait { FreshDatabaseTrait() }
}
