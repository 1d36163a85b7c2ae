import Foundation
import SQLKit
import Testing
@testable import SIPASApp
import SIPASCore
@testable import SIPASStore
@testable import SIPASServer

/// An attacker who can edit the database file, but not read the server's key, edits, deletes,
/// inserts and truncates audit entries, recomputes the chain as an unkeyed chain would be, makes a
/// unit viewer a system administrator and deletes or edits responses: verification finds each.
@Suite struct TamperEvidenceTests {
    func verification(_ s: TestServer) async throws -> (intact: Bool, problems: String) {
        let reply = try await s.call(.get, "/api/v1/audit/verify", as: .systemAdmin)
        #expect(reply.status == 200)
        return (reply.object["intact"] as? Bool ?? false, (reply.object["problems"] as? [String] ?? []).joined(separator: " | "))
    }

    func tampered(_ engine: TestEngine, _ what: String, _ attack: @escaping @Sendable (TestServer, any SQLDatabase) async throws -> Void,
                  finds fragment: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withServer(engine) { s in
            let clean = try await verification(s)
            #expect(clean.intact, "before \(what): \(clean.problems)", sourceLocation: sourceLocation)
            try await s.services.db.withConnection { sql in try await attack(s, sql) }
            let found = try await verification(s)
            #expect(!found.intact && found.problems.contains(fragment), "\(what): \(found.problems)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: TestEngine.available)
    func editsDeletionsInsertionsAndTruncationOfTheLogShow(engine: TestEngine) async throws {
        try await tampered(engine, "the last entries deleted", { _, sql in
            try await sql.raw("DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 2 FROM audit_log)").run()
        }, finds: "truncated")
        try await tampered(engine, "the whole log deleted", { _, sql in try await sql.raw("DELETE FROM audit_log").run() }, finds: "emptied")
        try await tampered(engine, "an entry deleted in the middle", { _, sql in try await sql.raw("DELETE FROM audit_log WHERE id = 3").run() },
                           finds: "deleted or inserted")
        try await tampered(engine, "an entry edited", { _, sql in
            try await sql.raw("UPDATE audit_log SET detail = 'sửa lén' WHERE id = 3").run()
        }, finds: "edited")
        // The edit, and then the whole chain recomputed as an unkeyed chain is: without the key it
        // cannot be made to hold.
        try await tampered(engine, "an entry edited and the chain recomputed", { _, sql in
            try await sql.raw("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2").run()
            var previous = AuditLog.genesis
            for row in try await sql.raw("SELECT * FROM audit_log ORDER BY id").all() {
                let e = try AuditLog.decode(row)
                let hash = AuditLog.digest(AuditLog.contentText(id: e.id, previous: previous, at: e.at, userId: e.userId, actor: e.actor,
                                                                action: e.action, entity: e.entity, entityId: e.entityId,
                                                                before: e.beforeDigest, after: e.afterDigest, detail: e.detail))
                try await sql.raw("UPDATE audit_log SET previous_hash = \(bind: previous), hash = \(bind: hash) WHERE id = \(bind: e.id)").run()
                previous = hash
            }
        }, finds: "edited")
        try await tampered(engine, "an entry appended without the key", { _, sql in
            let last = try await sql.raw("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").first()!
            let id = try last.decode(column: "id", as: Int.self) + 1, previous = try last.decode(column: "hash", as: String.self)
            try await sql.raw("""
                INSERT INTO audit_log (id, at, user_id, actor, action, entity, entity_id, detail, previous_hash, hash)
                VALUES (\(bind: id), '2026-01-01T00:00:00.000Z', NULL, 'admin', 'user.create', 'user', '99', '', \(bind: previous), \(bind: String(repeating: "a", count: 64)))
                """).run()
        }, finds: "edited")
    }

    @Test(arguments: TestEngine.available)
    func theHeadCheckpointCannotBeForged(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let file = s.services.db.auditSeal.checkpointFile
            try "1 \(AuditLog.genesis) forged\n".write(toFile: file, atomically: true, encoding: .utf8)
            let found = try await verification(s)
            #expect(!found.intact && found.problems.contains("altered"), "\(found.problems)")
            _ = try await AuditLog(s.services.db).resetCheckpoint()
            #expect(try await verification(s).intact)
        }
    }

    @Test(arguments: TestEngine.available)
    func dataChangedBehindTheApplicationsBackShows(engine: TestEngine) async throws {
        try await tampered(engine, "a unit viewer made system administrator", { _, sql in
            try await sql.raw("UPDATE users SET role = 'system-admin', scope_unit_id = NULL WHERE username = 'xa.diemhe'").run()
        }, finds: "accounts changed outside the application")
        try await tampered(engine, "a password hash replaced", { _, sql in
            try await sql.raw("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'admin') WHERE username = 'phantich'").run()
        }, finds: "accounts changed outside the application")
        try await tampered(engine, "100 responses deleted", { s, sql in
            try await sql.raw("DELETE FROM responses WHERE id IN (SELECT id FROM responses WHERE campaign_id = \(bind: s.campaign.id) ORDER BY id LIMIT 100)").run()
        }, finds: "deleted, edited or added")
        try await tampered(engine, "an answer edited", { s, sql in
            let row = try await sql.raw("SELECT id, answers FROM responses WHERE campaign_id = \(bind: s.campaign.id) ORDER BY id LIMIT 1").first()!
            let id = try row.decode(column: "id", as: Int.self)
            let answers = try row.decode(column: "answers", as: String.self)
            let edited = (answers.first == "2" ? "3" : "2") + answers.dropFirst()
            try await sql.raw("UPDATE responses SET answers = \(bind: edited) WHERE id = \(bind: id)").run()
        }, finds: "edited")
        try await tampered(engine, "a response inserted", { s, sql in
            try await sql.raw("""
                INSERT INTO responses (campaign_id, response_id, unit_id, channel, attributes, answers, digest, created_at)
                SELECT campaign_id, 'FORGED', unit_id, channel, attributes, answers, digest, created_at FROM responses
                WHERE campaign_id = \(bind: s.campaign.id) ORDER BY id LIMIT 1
                """).run()
        }, finds: "inserted outside the application")
    }

    @Test(arguments: TestEngine.available)
    func changesMadeThroughTheApplicationKeepTheLogIntact(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let created = try await s.call(.post, "/api/v1/users", as: .systemAdmin, json: """
                {"username": "kiemtra", "display_name": "Kiểm tra", "password": "mat-khau-dai-du", "role": "unit-viewer", "scope_unit_id": 1}
                """)
            #expect(created.status == 201, "\(created.body)")
            let id = created.object["id"] as! Int
            #expect(try await s.call(.post, "/api/v1/users/\(id)/disable", as: .systemAdmin).status == 200)
            #expect(try await s.call(.post, "/api/v1/users/\(id)/enable", as: .systemAdmin).status == 200)
            #expect(try await s.call(.post, "/api/v1/users/\(id)/password", as: .systemAdmin, json: "{\"password\": \"mat-khau-moi-dai\"}").status == 204)
            #expect(try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", as: .provinceAdmin, json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}").status == 200)
            let diemHe = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            #expect(try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/responses", as: .enumerator,
                                     json: "{\"response_id\": \"OK1\", \"unit_id\": \(diemHe.id), \"answers\": {\"A1\": 4}}").status == 201)
            let v = try await verification(s)
            #expect(v.intact, "\(v.problems)")
        }
    }

    /// Every table that decides a figure or an access, edited in the database: verification names
    /// the table and the row (the campaign, questionnaire or province it belongs to).
    @Test(arguments: TestEngine.available)
    func everyTableThatDecidesAFigureOrAnAccessIsSealed(engine: TestEngine) async throws {
        let edits: [(String, String, String)] = [
            ("the floor lowered", "UPDATE campaigns SET disclosure_min_n = 1 WHERE id = 1", "campaign 1: bảng campaigns"),
            ("the status moved", "UPDATE campaigns SET status = 'published' WHERE id = 1", "campaign 1: bảng campaigns"),
            ("the owner changed", "UPDATE campaigns SET owner_unit_id = 1 WHERE id = 1", "campaign 1: bảng campaigns"),
            ("a measured unit removed", "DELETE FROM campaign_units WHERE campaign_id = 1 AND unit_id = (SELECT MIN(unit_id) FROM campaign_units WHERE campaign_id = 1)",
             "campaign 1: bảng campaign_units"),
            ("a target raised", "UPDATE campaign_units SET target_percent = 99.5 WHERE campaign_id = 1", "campaign 1: bảng campaign_units"),
            ("a phase moved", "UPDATE campaign_phases SET ends_on = '2099-01-01' WHERE campaign_id = 1", "campaign 1: bảng campaign_phases"),
            ("the status history rewritten", "UPDATE campaign_status_changes SET user_id = NULL WHERE campaign_id = 1", "campaign 1: bảng campaign_status_changes"),
            ("a focal point's phone changed", "UPDATE focal_points SET phone = '0900000000' WHERE campaign_id = 1", "campaign 1: bảng focal_points"),
            ("the satisfied codes widened", "UPDATE questionnaires SET document = replace(document, 'satisfied: [4, 5]', 'satisfied: [3, 4, 5]') WHERE code = 'sipas-2017'",
             "questionnaire"),
            ("a commune moved to another district", "UPDATE units SET parent_id = 1, path = '/1/06280/' WHERE register = 'legacy' AND code = '06280'",
             "units legacy/"),
            ("a successor changed", "UPDATE unit_successors SET is_default = 1 - is_default WHERE legacy_unit_id = (SELECT id FROM units WHERE register = 'legacy' AND code = '06280')",
             "bảng unit_successors"),
            ("a response moved to another campaign",
             "UPDATE responses SET campaign_id = 2, response_id = 'MOVED' WHERE id = (SELECT MIN(id) FROM responses WHERE campaign_id = 1)",
             "campaign_id"),
        ]
        for (what, statement, fragment) in edits {
            try await tampered(engine, what, { s, sql in
                if what.contains("focal point") {
                    let unit = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
                    #expect(try await s.call(.put, "/api/v1/campaigns/1/focal-points/\(unit.id)", as: .provinceAdmin, json: """
                        {"name": "Nguyễn Văn A", "position": "Công chức", "phone": "0912345678", "email": "a@example.vn"}
                        """).status == 200)
                    #expect(try await verification(s).intact)
                }
                try await sql.raw(SQLQueryString(statement)).run()
            }, finds: fragment)
        }
        // A release, once made, is sealed with its campaign.
        try await tampered(engine, "a release's pattern emptied", { s, sql in
            _ = try await s.call(.get, "/api/v1/campaigns/\(s.campaign.id)/index", as: .ministryAnalyst)
            try await sql.raw("UPDATE releases SET pattern = '{\"withheld\":[],\"blanked\":[]}'").run()
        }, finds: "bảng releases")
    }

    /// A session row planted in the database (an administrator's token, no audit entry) opens nothing.
    @Test(arguments: TestEngine.available)
    func aPlantedSessionNeverAuthenticates(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let token = "planted-token-planted-token-planted-token"
            try await s.services.db.withConnection { sql in
                try await sql.raw("""
                    INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at, seal)
                    VALUES (\(bind: UserRepository.digest(token)), (SELECT id FROM users WHERE username = 'admin'), 'api', NULL,
                            '2026-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z', 'forged')
                    """).run()
            }
            let reply = try await s.call(.get, "/api/v1/users", token: token)
            #expect(reply.status == 401, "\(reply.status)")
            #expect(try await s.call(.get, "/api/v1/users", as: .systemAdmin).status == 200, "sessions opened by the application still work")
        }
    }

    /// An inspector's copy of the database, put elsewhere with the key and its checkpoints, verifies.
    @Test func aCopyVerifiesWhereverItIsPut() async throws {
        let first = NSTemporaryDirectory() + "sipas-copy-\(UUID().uuidString)", second = first + "-elsewhere"
        try FileManager.default.createDirectory(atPath: first, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: first); try? FileManager.default.removeItem(atPath: second) }
        do {
            let db = try await Database.open(.sqlite(path: first + "/sipas.sqlite"))
            try await prepareStore(db, logger: .init(label: "test"))
            let platform = Platform(db: db, bcryptCost: 4)
            _ = try await DemoData.seed(platform)
            #expect(try await AuditLog(db).verify().intact)
            await db.close()
        }
        try FileManager.default.copyItem(atPath: first, toPath: second)
        let copy = try await Database.open(.sqlite(path: second + "/sipas.sqlite"))
        let verification = try await AuditLog(copy).verify()
        #expect(verification.intact, "\(verification.problems)")
        await copy.close()
    }
}
