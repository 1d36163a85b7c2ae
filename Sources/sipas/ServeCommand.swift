import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SIPASApp
import SIPASServer
import SIPASStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Chạy máy chủ SIPAS: REST API, /healthz, /metrics (run the server).",
        discussion: "Mặc định dùng SQLite nhúng trong ./sipas-data/; --database postgres://… để dùng PostgreSQL. --demo nạp dữ liệu mẫu Lạng Sơn – Văn Quan 2023."
    )

    @Option(name: .long, help: "Địa chỉ lắng nghe.") var host = ProcessInfo.processInfo.environment["SIPAS_HOST"] ?? "127.0.0.1"
    @Option(name: .long, help: "Cổng.") var port = Int(ProcessInfo.processInfo.environment["SIPAS_PORT"] ?? "") ?? 8080
    @Flag(name: .long, help: "Nạp dữ liệu mẫu nếu chưa có (demo data).") var demo = false
    @Flag(name: .long, help: "Sau reverse proxy có TLS: tin X-Forwarded-Proto và X-Forwarded-For (cookie Secure, giới hạn đăng nhập theo địa chỉ thật).")
    var trustProxy = ProcessInfo.processInfo.environment["SIPAS_TRUST_PROXY"] == "1"
    @Option(name: .long, help: "Cỡ tối đa của một tệp CSV nhập, MiB (mặc định 256).")
    var maxImportMib = Int(ProcessInfo.processInfo.environment["SIPAS_MAX_IMPORT_MIB"] ?? "") ?? 256
    @Option(name: .long, help: "Số kết nối mở cùng lúc tối đa; kết nối vượt quá bị đóng ngay (mặc định 1000).")
    var maxConnections = 1_000
    @Option(name: .long, help: "Đóng kết nối rảnh hoặc gửi dở phần đầu yêu cầu sau số giây này (mặc định 30).")
    var idleTimeout = 30
    @Option(name: .long, help: "Đóng kết nối khi nội dung yêu cầu ngừng gửi quá số giây này (mặc định 30).")
    var bodyTimeout = 30
    @OptionGroup var store: StoreOptions

    func run() async throws {
        var logger = Logger(label: "sipas")
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info") ?? .info
        let started = ContinuousClock.now
        guard (1...16_384).contains(maxImportMib) else { throw CLIFailure.usage("--max-import-mib phải từ 1 đến 16384") }
        guard (1...100_000).contains(maxConnections) else { throw CLIFailure.usage("--max-connections phải từ 1 đến 100000") }
        guard (1...3_600).contains(idleTimeout), (1...3_600).contains(bodyTimeout) else {
            throw CLIFailure.usage("--idle-timeout và --body-timeout phải từ 1 đến 3600 giây")
        }
        let connections = ConnectionLimits(maxConnections: maxConnections, idleTimeout: .seconds(Int64(idleTimeout)), bodyTimeout: .seconds(Int64(bodyTimeout)))
        try await store.withStore(logger: logger) { db in
            let limits = Limits(importBytes: maxImportMib << 20)
            let platform = Platform(db: db, limits: limits)
            if demo {
                let summary = try await DemoData.seed(platform)
                printDemo(summary)
            }
            let (host, port, location) = (host, port, db.location)
            let configuration = ServerConfiguration(host: host, port: port, database: location, limits: limits, trustProxy: trustProxy,
                                                    connections: connections)
            let app = buildApplication(configuration, platform: platform, logger: logger) {
                let ready = ContinuousClock.now - started
                let seconds = Double(ready.components.seconds) + Double(ready.components.attoseconds) / 1e18
                let shown = String(format: "%.2f", seconds).replacingOccurrences(of: ".", with: ",")
                say("SIPAS đang chạy tại http://\(host):\(port)/  (API: /api/v1, tài liệu: /api/v1/openapi.json) — \(location), sẵn sàng sau \(shown) giây")
            }
            try await app.runService()
        }
    }

    func printDemo(_ summary: DemoData.Summary) {
        say("""
            Dữ liệu mẫu (demo): kỳ đo lường LSN-VQ-2023 (id \(summary.campaignId)), \(summary.responses) phiếu — huyện Văn Quan, tỉnh Lạng Sơn.
            Đăng nhập: admin / \(DemoData.password)  (các vai trò khác: \(DemoData.accounts.dropFirst().map(\.username).joined(separator: ", ")), cùng mật khẩu)
            Thử: curl -s -X POST http://\(host):\(port)/api/v1/auth/login -H 'Content-Type: application/json' -d '{"username":"admin","password":"\(DemoData.password)"}'
                 curl -s -H "Authorization: Bearer <token>" 'http://\(host):\(port)/api/v1/campaigns/\(summary.campaignId)/index?by=unit&format=csv'
            """)
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Cập nhật lược đồ cơ sở dữ liệu và nạp danh mục đơn vị (apply migrations).")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await store.withStore { db in
            let versions = try await Migrator.appliedVersions(db)
            say("Lược đồ ở phiên bản \(versions.max() ?? 0) (\(db.location)); \(try await UnitRepository(db).count()) đơn vị.")
        }
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Nạp dữ liệu mẫu Lạng Sơn – Văn Quan 2023 (load demo data).")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await store.withPlatform { platform in
            let summary = try await DemoData.seed(platform)
            say(summary.created ? "Đã nạp dữ liệu mẫu: kỳ đo lường \(summary.campaignId), \(summary.responses) phiếu." : "Dữ liệu mẫu đã có (kỳ đo lường \(summary.campaignId)).")
            say("Đăng nhập: admin / \(DemoData.password)")
        }
    }
}
