import Foundation
import Hummingbird
import Logging
import SIPASCore
import SIPASStore

/// How the server is started: address, storage, demo data.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseLocation
    public var bcryptCost: UInt8

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseLocation = .sqlite(path: DatabaseLocation.defaultSQLitePath),
                bcryptCost: UInt8 = 12) {
        self.host = host
        self.port = port
        self.database = database
        self.bcryptCost = bcryptCost
    }
}

/// Prepares storage: schema migrations, the unit registers, the built-in questionnaires.
public func prepareStore(_ db: Database, logger: Logger) async throws {
    let applied = try await Migrator.migrate(db)
    if !applied.isEmpty { logger.info("migrations applied", metadata: ["versions": "\(applied)"]) }
    if let loaded = try await UnitRegisterLoader.loadIfEmpty(db) {
        logger.info("unit registers loaded", metadata: ["units": "\(loaded.units)", "successors": "\(loaded.successors)"])
    }
    try await db.transaction { try await QuestionnaireRepository(db).ensureBuiltins(on: $0) }
}

/// The router with every route; the same one the tests drive in-process.
public func buildRouter(_ services: Services) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: services.metrics))
    router.add(middleware: AuthMiddleware(users: services.users))
    let api = APIRoutes(router: router)
    registerHealthRoutes(api, services)
    registerAuthRoutes(api, services)
    registerUnitRoutes(api, services)
    registerUserRoutes(api, services)
    registerQuestionnaireRoutes(api, services)
    registerCampaignRoutes(api, services)
    registerResponseRoutes(api, services)
    registerIndexRoutes(api, services)
    registerAuditRoutes(api, services)
    routeTable.set(api.all)
    return router
}

/// The documented routes of the last router built (for tests and `sipas routes`).
let routeTable = RouteTable()

final class RouteTable: @unchecked Sendable {
    private let lock = NSLock()
    private var routes: [APIRoute] = []
    func set(_ r: [APIRoute]) { lock.lock(); routes = r; lock.unlock() }
    var all: [APIRoute] { lock.lock(); defer { lock.unlock() }; return routes }
}

/// - Parameter onRunning: called once the server listens (start-up messages belong there, not
///   before the port is bound).
public func buildApplication(_ configuration: ServerConfiguration, services: Services, logger: Logger,
                             onRunning: @escaping @Sendable () async -> Void = {}) -> some ApplicationProtocol {
    Application(router: buildRouter(services),
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sipas"),
                onServerRunning: { _ in
                    await onRunning()
                    // Read every campaign's responses into memory now, so that the first index
                    // request does not pay for it; requests are served meanwhile.
                    Task(priority: .background) { await warmCompactResponses(services, logger: logger) }
                },
                logger: logger)
}

/// Loads the compact responses of every campaign that has responses.
func warmCompactResponses(_ services: Services, logger: Logger) async {
    do {
        let started = ContinuousClock.now
        let ids = try await services.db.read { sql in
            try await sql.raw("SELECT id FROM campaigns c WHERE EXISTS (SELECT 1 FROM responses r WHERE r.campaign_id = c.id)").all().map { try $0.decode(column: "id", as: Int.self) }
        }
        var total = 0
        for id in ids {
            guard let campaign = try await services.campaigns.findCommitted(id: id),
                  let questionnaire = try await services.db.read({ try await services.questionnaires.find(id: campaign.questionnaireId, on: $0) }) else { continue }
            total += try await services.db.compactResponses.rows(campaignId: id, schema: questionnaire.schema, db: services.db).count
        }
        logger.info("responses ready for the index", metadata: ["campaigns": "\(ids.count)", "responses": "\(total)",
                                                              "seconds": "\((ContinuousClock.now - started).components.seconds)"])
    } catch {
        logger.warning("could not read responses ahead of the first index request", metadata: ["error": "\(error)"])
    }
}
