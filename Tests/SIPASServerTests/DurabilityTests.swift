import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
import SQLKit
@testable import SIPASApp
import SIPASCore
import SIPASStore

/// What an acknowledgement promises: a response the server answered 201 for is stored for good —
/// in a backup taken after it, and after the server process is killed outright.
@Suite struct DurabilityTests {
    @Test(arguments: TestEngine.available)
    func aBackupTakenUnderLoadHoldsEveryAcknowledgedResponse(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let admin = try #require(try await s.platform.accounts.find(username: "admin"))
            _ = try await s.platform.campaigns.setStatus(s.campaign.id, to: "entry", reason: "kiểm thử", by: admin)
            let unit = try #require(try await s.services.units.find(register: .legacy, level: .commune, code: "06280"))
            let acknowledged = Acknowledged()
            let work = Directory()
            let (underLoad, quiet) = try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        var i = 0
                        while !acknowledged.stopped {
                            let id = "B\(writer)-\(i)"
                            _ = try await s.platform.responses.submit(.init(responseId: id, unitId: unit.id, answers: ["A1": "\(1 + i % 5)"]),
                                                                      campaign: s.campaign.id, by: admin)
                            acknowledged.add(id)
                            i += 1
                        }
                    }
                }
                while acknowledged.count < 50 { try await Task.sleep(for: .milliseconds(10)) }
                let before = acknowledged.ids
                _ = try await Backup.backup(s.services.db, to: work.file("under-load"))
                let after = acknowledged.count
                while acknowledged.count < after + 20 { try await Task.sleep(for: .milliseconds(10)) }
                acknowledged.stop()
                try await group.waitForAll()
                return (before, work.file("quiet"))
            }
            _ = try await Backup.backup(s.services.db, to: quiet)

            let keyFile = s.services.db.auditSeal.keyFile
            let first = try await TestDatabases.shared.emptyLocation(engine)
            let check = try await Backup.restore(from: work.file("under-load"), into: first, auditKeyFile: keyFile)
            #expect(check.intact, "\(check.problems.prefix(3))")
            let restored = try await Database.open(first, auditKeyFile: keyFile)
            let stored = try await storedIds(restored, campaign: s.campaign.id)
            await restored.close()
            #expect(underLoad.isSubset(of: stored), "missing: \(underLoad.subtracting(stored).sorted().prefix(5))")

            let second = try await TestDatabases.shared.emptyLocation(engine)
            #expect(try await Backup.restore(from: quiet, into: second, auditKeyFile: keyFile).intact)
            let copy = try await Database.open(second, auditKeyFile: keyFile)
            let all = acknowledged.ids
            #expect(all.isSubset(of: try await storedIds(copy, campaign: s.campaign.id)))
            let stored2 = try await copy.read { try await QuestionnaireRepository(copy).find(id: s.campaign.questionnaireId, on: $0)! }
            let campaign = try #require(try await copy.read { try await CampaignRepository(copy).find(id: s.campaign.id, on: $0) })
            let (copied, n) = try await Platform(db: copy, bcryptCost: 4).index.figures(campaign, questionnaire: stored2, by: ["unit"], rollup: nil,
                                                                                         minN: 0, within: nil)
            await copy.close()
            let original = try await s.figures(s.campaign, by: ["unit"], rollup: nil, minN: 0, within: nil)
            #expect(n == original.responses)
            #expect(copied == original.result, "a quiet backup gives the original's figures to the last digit")
        }
    }

    @Test(arguments: TestEngine.available)
    func aServerKilledMidSubmissionsLosesNoAcknowledgedResponse(engine: TestEngine) async throws {
        let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/sipas").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the command first (swift build): \(binary)")
        let db = try await TestDatabases.shared.fresh(engine)
        let (location, keyFile) = (db.location, db.auditSeal.keyFile)
        let platform = Platform(db: db, bcryptCost: 4)
        let admin = try #require(try await platform.accounts.find(username: "admin"))
        let campaign = try #require(try await db.read { try await CampaignRepository(db).find(code: DemoData.campaignCode, on: $0) })
        _ = try await platform.campaigns.setStatus(campaign.id, to: "entry", reason: "kiểm thử", by: admin)
        let unit = try #require(try await UnitRepository(db).find(register: .legacy, level: .commune, code: "06280"))
        let token = try await UserRepository(db, bcryptCost: 4).issueToken(for: admin, kind: .api, lifetime: 3600).token
        await db.close()

        let port = Int.random(in: 30_000..<60_000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["serve", "--database", Self.argument(location), "--port", String(port)]
        server.environment = ProcessInfo.processInfo.environment.merging(["SIPAS_AUDIT_KEY_FILE": keyFile]) { $1 }
        server.currentDirectoryURL = FileManager.default.temporaryDirectory
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let base = "http://127.0.0.1:\(port)"
        var up = false
        for _ in 0..<240 where !up {
            up = (try? await Self.request(base + "/healthz").status) == 200
            if !up { try await Task.sleep(for: .milliseconds(250)) }
        }
        try #require(up, "the server did not start on port \(port)")

        let acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for i in 0... {
                        let id = "K\(writer)-\(i)"
                        let body = "{\"response_id\": \"\(id)\", \"unit_id\": \(unit.id), \"answers\": {\"A1\": \(1 + i % 5)}}"
                        guard let reply = try? await Self.request(base + "/api/v1/campaigns/\(campaign.id)/responses", method: "POST",
                                                                   body: body, token: token) else { return }  // the server is gone
                        if reply.status == 201 { acknowledged.add(id) }
                    }
                }
            }
            while acknowledged.count < 300 { try await Task.sleep(for: .milliseconds(20)) }
            kill(server.processIdentifier, SIGKILL)
            try await group.waitForAll()
        }
        server.waitUntilExit()
        #expect(server.terminationReason == .uncaughtSignal)

        let reopened = try await Database.open(location, auditKeyFile: keyFile)
        let stored = try await storedIds(reopened, campaign: campaign.id)
        let verification = try await AuditLog(reopened).verify()
        await reopened.close()
        let promised = acknowledged.ids
        #expect(promised.count >= 300)
        #expect(promised.isSubset(of: stored), "acknowledged but lost: \(promised.subtracting(stored).sorted().prefix(5))")
        #expect(verification.intact, "\(verification.problems.prefix(3))")
    }

    private static func argument(_ location: DatabaseLocation) -> String {
        switch location {
        case let .sqlite(path): return path
        case let .postgres(host, port, user, password, database):
            return "postgres://\(user)\(password.map { ":" + $0 } ?? "")@\(host):\(port)/\(database)"
        case .sqliteInMemory: preconditionFailure("a server process cannot share an in-memory database")
        }
    }

    private static func request(_ url: String, method: String = "GET", body: String? = nil, token: String? = nil) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}

/// The response ids a database holds for a campaign.
private func storedIds(_ db: Database, campaign: Int) async throws -> Set<String> {
    try await db.read { sql in
        Set(try await sql.raw("SELECT response_id FROM responses WHERE campaign_id = \(bind: campaign)").all()
            .map { try $0.decode(column: "response_id", as: String.self) })
    }
}

/// The ids the server acknowledged, from several writers at once.
private final class Acknowledged: Sendable {
    private let list = Mutex<[String]>([])
    private let stopping = Atomic<Bool>(false)
    func add(_ id: String) { list.withLock { $0.append(id) } }
    var ids: Set<String> { list.withLock { Set($0) } }
    var count: Int { list.withLock { $0.count } }
    var stopped: Bool { stopping.load(ordering: .relaxed) }
    func stop() { stopping.store(true, ordering: .relaxed) }
}

/// A temporary directory for backup files, removed with the test process's temporary files.
private struct Directory: Sendable {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sipas-backups-\(UUID().uuidString)").path
    func file(_ name: String) -> String {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path + "/" + name + ".backup"
    }
}
