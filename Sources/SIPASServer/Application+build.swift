import Foundation
import Hummingbird
import Logging
import SIPASApp
import SIPASCore
import SIPASStore

/// How the server is started: address, storage, limits.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseLocation
    public var bcryptCost: UInt8
    public var limits: Limits
    /// Behind a reverse proxy that terminates TLS: believe its `X-Forwarded-Proto` (session cookies
    /// become `Secure`) and `X-Forwarded-For` (sign-in throttling by the client's address).
    public var trustProxy: Bool
    public var connections: ConnectionLimits

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseLocation = .sqlite(path: DatabaseLocation.defaultSQLitePath),
                bcryptCost: UInt8 = 12, limits: Limits = Limits(), trustProxy: Bool = false, connections: ConnectionLimits = ConnectionLimits()) {
        self.host = host
        self.port = port
        self.database = database
        self.bcryptCost = bcryptCost
        self.limits = limits
        self.trustProxy = trustProxy
        self.connections = connections
    }
}

/// The router with every route; the same one the tests drive in-process.
public func buildRouter(_ platform: Platform, trustProxy: Bool = false) -> (router: NormalisedRouter<AppRequestContext>, routes: RouteTable) {
    let router = Router(context: AppRequestContext.self)
    let routes = RouteTable()
    let metrics = Metrics()
    // Outermost first: metrics see every status, headers go on every reply, errors become problems.
    router.add(middleware: MetricsMiddleware(metrics: metrics, routes: routes))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ProblemMiddleware(routes: routes))
    router.add(middleware: AuthMiddleware(accounts: platform.accounts, trustProxy: trustProxy))
    let api = APIRoutes(router: router, table: routes, platform: platform)
    registerHealthRoutes(api, platform, metrics: metrics)
    registerAuthRoutes(api, platform, trustProxy: trustProxy)
    registerUnitRoutes(api, platform)
    registerUserRoutes(api, platform)
    registerQuestionnaireRoutes(api, platform)
    registerCampaignRoutes(api, platform)
    registerResponseRoutes(api, platform)
    registerSamplingRoutes(api, platform)
    registerFieldworkRoutes(api, platform)
    registerEntryRoutes(api, platform)
    registerIndexRoutes(api, platform)
    registerDashboardRoutes(api, platform)
    registerAuditRoutes(api, platform)
    let templates: WebTemplates
    do { templates = try WebTemplates() } catch {
        preconditionFailure("the screens' templates cannot be read (\(error)); reinstall the resources or set SIPAS_TEMPLATES")
    }
    WebScreens(router: router, platform: platform, templates: templates, trustProxy: trustProxy).registerAll()
    return (NormalisedRouter(router: router), routes)
}

/// - Parameter onRunning: called once the server listens (start-up messages belong there, not
///   before the port is bound).
public func buildApplication(_ configuration: ServerConfiguration, platform: Platform, logger: Logger,
                             onRunning: @escaping @Sendable () async -> Void = {}) -> some ApplicationProtocol {
    let count = ConnectionCount(), limits = configuration.connections
    return Application(router: buildRouter(platform, trustProxy: configuration.trustProxy).router,
                server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(count: count, limits: limits)],
                                                    idleTimeout: limits.idleTimeout)),
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sipas"),
                onServerRunning: { _ in
                    await onRunning()
                    // Read every campaign's responses into memory now, so that the first index
                    // request does not pay for it; requests are served meanwhile.
                    Task.detached(priority: .background) { await platform.warmCompactResponses(logger: logger) }
                },
                logger: logger)
}
