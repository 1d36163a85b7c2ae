import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import SIPASApp
import SIPASCore
import SIPASServer
import SIPASStore
@_exported import SIPASTestSupport
import SQLKit
import Testing

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
