import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import SIPASApp
import SIPASCore
import SIPASServer
import SIPASStore
import Testing

/// The engines the suite runs on: SQLite always; PostgreSQL when `SIPAS_TEST_POSTGRES_URL` names a
/// server where the test user may create databases (`.ci/run` starts one).
enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var available: [TestEngine] {
        ProcessInfo.processInfo.environment["SIPAS_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var testDescription: String { rawValue }
}

/// A fresh database per test, copied from a template prepared once per engine (schema, unit
/// registers, built-in questionnaires, demo campaign and accounts).
actor TestDatabases {
    static let shared = TestDatabases()
    private var sqliteTemplate: String?
    private var postgresTemplate: String?
    private var counter = 0

    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// One preparation at a time: the actor is reentrant at every `await`, and a template must be
    /// made once and copied by one session at a time.
    func fresh(_ engine: TestEngine) async throws -> Database {
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
    func emptyLocation(_ engine: TestEngine) async throws -> DatabaseLocation {
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

    static func postgresLocation(database: String) throws -> DatabaseLocation {
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

struct TestSetupError: Error, CustomStringConvertible {
    let statement: String
    let detail: String
    var description: String { "\(statement): \(detail)" }
}

import SQLKit
enum SQLQueryStringWrapper {
    static func make(_ text: String) -> SQLQueryString { SQLQueryString(text) }
}

/// Runs a test against the in-process router over a fresh database, with tokens for every role.
func withServer<T: Sendable>(_ engine: TestEngine, limits: Limits = Limits(), trustProxy: Bool = false,
                             _ test: @Sendable (TestServer) async throws -> T) async throws -> T {
    let db = try await TestDatabases.shared.fresh(engine)
    let platform = Platform(db: db, limits: limits, bcryptCost: 4)
    let services = TestRepositories(db: db)
    var tokens: [Role: String] = [:]
    for account in DemoData.accounts {
        guard let user = try await services.users.authenticate(username: account.username, password: DemoData.password) else { continue }
        tokens[account.role] = try await services.users.issueToken(for: user, kind: .api, lifetime: 3600).token
    }
    let campaign = try await db.withConnection { try await services.campaigns.find(code: "LSN-VQ-2023", on: $0)! }
    let roleTokens = tokens
    let (router, routes) = buildRouter(platform, trustProxy: trustProxy)
    let app = Application(router: router)
    do {
        let result = try await app.test(.router) { client in
            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get) { String(buffer: $0.body) }
            return try await test(TestServer(client: client, platform: platform, services: services, routes: routes, tokens: roleTokens,
                                             campaign: campaign, contract: OpenAPIContract(document)))
        }
        await db.close()
        return result
    } catch {
        await db.close()
        throw error
    }
}

/// The repositories, for tests that look behind the API (or tamper with storage, as an attacker).
struct TestRepositories: Sendable {
    let db: Database
    var units: UnitRepository { UnitRepository(db) }
    var users: UserRepository { UserRepository(db, bcryptCost: 4) }
    var campaigns: CampaignRepository { CampaignRepository(db) }
    var questionnaires: QuestionnaireRepository { QuestionnaireRepository(db) }
    var audit: AuditLog { AuditLog(db) }
}

struct TestServer: Sendable {
    let client: any TestClientProtocol
    let platform: Platform
    let services: TestRepositories
    let routes: RouteTable
    let tokens: [Role: String]
    let campaign: Campaign
    /// Every reply is checked against the published OpenAPI document.
    let contract: OpenAPIContract

    struct Reply: Sendable {
        let status: Int
        let body: String
        let headers: HTTPFields
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
    }

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, as role: Role? = nil, token: String? = nil, json: String? = nil,
              body: String? = nil, contentType: String = "application/json", headers: HTTPFields = [:],
              sourceLocation: SourceLocation = #_sourceLocation) async throws -> Reply {
        var headers = headers
        if let token = token ?? role.flatMap({ tokens[$0] }) { headers[.authorization] = "Bearer \(token)" }
        let payload = json ?? body
        if payload != nil { headers[.contentType] = contentType }
        let reply = try await client.execute(uri: uri, method: method, headers: headers, body: payload.map { ByteBuffer(string: $0) }) { response in
            Reply(status: Int(response.status.code), body: String(buffer: response.body), headers: response.headers)
        }
        let problems = contract.problems(method: method.rawValue, uri: uri, status: reply.status,
                                         contentType: reply.headers[.contentType], body: reply.body)
        #expect(problems.isEmpty, "the reply does not match the OpenAPI document: \(problems.prefix(5))", sourceLocation: sourceLocation)
        return reply
    }

    /// A snapshot of the state that failed requests must leave unchanged.
    func state() async throws -> [String: Int] {
        try await services.db.withConnection { sql in
            var out: [String: Int] = [:]
            for table in ["units", "users", "sessions", "questionnaires", "campaigns", "campaign_units", "campaign_phases",
                          "campaign_status_changes", "focal_points", "responses", "audit_log"] {
                out[table] = try await sql.raw(SQLQueryString("SELECT COUNT(*) AS n FROM " + table)).first()!.decode(column: "n", as: Int.self)
            }
            return out
        }
    }
}

extension TestServer {
    /// A campaign's figures through the application's index (compact path, or forced to the file engine).
    func figures(_ campaign: Campaign, by: [String], rollup: String?, minN: Int, within scope: AdminUnit?,
                 compact: Bool = true) async throws -> (result: IndexResult, responses: Int) {
        let stored = try await services.db.read { try await services.questionnaires.find(id: campaign.questionnaireId, on: $0)! }
        let (result, responses) = try await platform.index.figures(campaign, questionnaire: stored, by: by, rollup: rollup, minN: minN,
                                                                   within: scope.map { UnitScope($0) }, compact: compact)
        return (result, responses)
    }
}
