import Crypto
import Foundation
import SIPASCore
import SIPASFormats
import SQLKit

/// Verification: the chain itself (seal, links, contiguous ids, the head checkpoint), and the
/// data it vouches for — every stored response against the digest its import recorded, every
/// account's role, scope and password against its last recorded state.
extension AuditLog {
    public struct Verification: Sendable, Equatable {
        public var entries: Int
        /// The first entry whose content or link does not match, if any.
        public var firstBroken: Int?
        public var reason: String?
        /// Every finding, the chain's first (empty when intact).
        public var problems: [String]

        public var intact: Bool { problems.isEmpty }
    }

    /// Actions whose `after_digest` is the digest of what the import stored (`responses` rows
    /// carry the id of the entry that stored them).
    public static let responseActions: Set<String> = ["responses.import", "responses.adopt"]
    /// Actions whose `after_digest` is an account's whole state.
    public static let userStateActions: Set<String> = ["user.create", "user.disable", "user.enable", "user.password", "user.adopt", "user.post-office"]

    public func verify() async throws -> Verification {
        let entries = try await db.read { sql in try await sql.raw("SELECT * FROM audit_log ORDER BY id").all().map(Self.decode) }
        var result = Self.verifyChain(entries, seal: db.auditSeal)
        result.problems += try await verifyResponses(entries)
        result.problems += try await verifyUsers(entries)
        result.problems += try await verifyState(entries)
        result.problems += try await FieldworkSeal(db).verify(entries)
        return result
    }

    static func verifyChain(_ entries: [Entry], seal: AuditSeal, checkingHead: Bool = true) -> Verification {
        seal.identify(firstHash: entries.first?.hash)
        var broken: (id: Int, reason: String)?
        var previous = genesis
        for (index, e) in entries.enumerated() where broken == nil {
            if e.id != index + 1 {
                broken = (e.id, "mục \(e.id) đứng ở vị trí \(index + 1): có mục đã bị xóa hoặc chèn thêm (an entry was deleted or inserted before it)")
            } else if e.previousHash != previous {
                broken = (e.id, "mục \(e.id) không nối với mục trước (an entry before it was changed or deleted)")
            } else if chainHash(seal, id: e.id, previous: previous, at: e.at, userId: e.userId, actor: e.actor, action: e.action,
                                entity: e.entity, entityId: e.entityId, before: e.beforeDigest, after: e.afterDigest,
                                detail: e.detail) != e.hash {
                broken = (e.id, "nội dung mục \(e.id) đã bị sửa hoặc chuỗi được tính lại không có khóa (the entry was edited)")
            }
            previous = e.hash
        }
        var problems = broken.map { [$0.reason] } ?? []
        switch checkingHead ? seal.readCheckpoint() : .head(.init(id: 0, hash: genesis)) {
        case .missing:
            if !entries.isEmpty { problems.append("không có điểm kiểm tra đầu chuỗi \(seal.checkpointFile) (the head checkpoint is missing)") }
        case .unsealed:
            problems.append("điểm kiểm tra đầu chuỗi \(seal.checkpointFile) không khớp khóa (the head checkpoint was altered)")
        case let .head(head):
            if let last = entries.last, last.id < head.id {
                problems.append("nhật ký dừng ở mục \(last.id) nhưng đã từng tới mục \(head.id): các mục cuối đã bị xóa (the log was truncated)")
            } else if entries.isEmpty, head.id > 0 {
                problems.append("nhật ký trống nhưng đã từng tới mục \(head.id): đã bị xóa hết (the log was emptied)")
            } else if let entry = entries.first(where: { $0.id == head.id }), entry.hash != head.hash {
                problems.append("mục \(head.id) khác với điểm kiểm tra đầu chuỗi (the entry at the checkpoint was replaced)")
            }
        }
        return Verification(entries: entries.count, firstBroken: broken?.id, reason: broken?.reason, problems: problems)
    }

    /// The digest an import records of what it stored: its rows' digests in storage order.
    struct StoredSetDigest {
        private var hasher = SHA256()
        mutating func add(responseId: String, digest: String) {
            hasher.update(data: Data("\(responseId)\u{1F}\(digest)\n".utf8))
        }
        func finish() -> String { SHA256Hex.hex(hasher.finalize()) }
    }

    private func verifyResponses(_ entries: [Entry]) async throws -> [String] {
        final class Scan: @unchecked Sendable {
            var sets: [Int: StoredSetDigest] = [:]
            var campaigns: [Int: Set<Int>] = [:]
            var unrecorded = 0
            var edited: [String] = []
            var recased: [String] = []
            /// Case numbers joined to a response, per campaign; responses that name a case but joined none.
            var held: [Int: Set<Int>] = [:]
            var unjoined: [(campaign: Int, number: Int, responseId: String)] = []
        }
        let scan = Scan()
        try await db.forEachRawRow(
            "SELECT response_id, unit_id, channel, stratum, psu, weight, attributes, answers, digest, audit_id, campaign_id, case_number FROM responses ORDER BY id", []
        ) { row in
            let record = ResponseRepository.Record(
                responseId: row[0].string ?? "", unitId: { if case let .integer(u) = row[1] { return u } else { return nil } }(),
                channel: row[2].string ?? "", stratum: row[3].string, psu: row[4].string, weight: row[5].double,
                attributes: CSVLine.decodeAttributes(row[6].string ?? ""), answers: row[7].string ?? "")
            let digest = record.digest
            if digest != row[8].string, scan.edited.count < 10 { scan.edited.append(record.responseId) }
            // The case a response joins decides its weight: it is the one the response names.
            let named = record.attributes[ResponseRepository.caseAttribute].flatMap(CaseCode.init)?.number
            if case let .integer(number) = row[11] {
                if named != number, scan.recased.count < 10 { scan.recased.append(record.responseId) }
                if case let .integer(campaign) = row[10] { scan.held[campaign, default: []].insert(number) }
            } else if let named, case let .integer(campaign) = row[10] {
                scan.unjoined.append((campaign, named, record.responseId))
            }
            guard case let .integer(auditId) = row[9] else { scan.unrecorded += 1; return }
            scan.sets[auditId, default: StoredSetDigest()].add(responseId: record.responseId, digest: digest)
            if case let .integer(campaign) = row[10] { scan.campaigns[auditId, default: []].insert(campaign) }
        }
        var problems: [String] = []
        if !scan.edited.isEmpty {
            problems.append("phiếu đã bị sửa sau khi lưu (responses edited after they were stored): \(scan.edited.joined(separator: ", "))")
        }
        // A response naming a case of its campaign joins it, unless another response holds it (a
        // second form of one case, stored before one response per case was a constraint).
        for campaign in Set(scan.unjoined.map(\.campaign)).sorted() {
            let cases = try await db.read { sql in
                Set(try await sql.raw("SELECT number FROM cases WHERE campaign_id = \(bind: campaign)").all().map { try $0.decode(column: "number", as: Int.self) })
            }
            for u in scan.unjoined where u.campaign == campaign && cases.contains(u.number) && !(scan.held[campaign]?.contains(u.number) ?? false) {
                scan.recased.append(u.responseId)
            }
        }
        if !scan.recased.isEmpty {
            problems.append("phiếu đã bị gắn với trường hợp khác, hoặc bị tách khỏi trường hợp ghi trên phiếu (bảng responses, cột case_number) (responses moved to another case or unlinked from it): \(scan.recased.prefix(10).joined(separator: ", "))")
        }
        if scan.unrecorded > 0 {
            problems.append("\(scan.unrecorded) phiếu không do lần nhập nào ghi trong nhật ký (responses inserted outside the application)")
        }
        var mismatched: [Int] = []
        var recorded = Set<Int>()
        var moved: [Int] = []
        for entry in entries where Self.responseActions.contains(entry.action) {
            recorded.insert(entry.id)
            // Which campaign a response counts for decides figures: it is the one its import named.
            if let campaigns = scan.campaigns[entry.id], campaigns != [Int(entry.entityId) ?? -1] { moved.append(entry.id) }
            let found = scan.sets[entry.id]?.finish() ?? StoredSetDigest().finish()
            if found != entry.afterDigest { mismatched.append(entry.id) }
        }
        if !mismatched.isEmpty {
            problems.append("phiếu của các lần nhập \(mismatched.prefix(10).map(String.init).joined(separator: ", ")) đã bị xóa, sửa hoặc thêm sau khi lưu (responses deleted, edited or added after the fact)")
        }
        if !moved.isEmpty {
            problems.append("phiếu của các lần nhập \(moved.prefix(10).map(String.init).joined(separator: ", ")) đã bị chuyển sang kỳ đo lường khác (bảng responses, cột campaign_id) (responses moved to another campaign)")
        }
        let orphans = Set(scan.sets.keys).subtracting(recorded)
        if !orphans.isEmpty {
            problems.append("\(orphans.count) nhóm phiếu trỏ tới mục nhật ký không phải lần nhập (responses attributed to entries that stored none)")
        }
        return problems
    }

    private func verifyUsers(_ entries: [Entry]) async throws -> [String] {
        var lastState: [String: String] = [:]
        for entry in entries where entry.entity == "user" && Self.userStateActions.contains(entry.action) {
            lastState[entry.entityId] = entry.afterDigest
        }
        let states = try await db.read { sql in try await UserRepository.stateDigests(on: sql) }
        var changed: [String] = []
        for (id, digest) in states.sorted(by: { $0.key < $1.key }) where lastState[String(id)] != digest {
            changed.append(String(id))
        }
        guard !changed.isEmpty else { return [] }
        return ["tài khoản \(changed.prefix(10).joined(separator: ", ")) có vai trò, phạm vi, trạng thái hoặc mật khẩu khác với lần thay đổi cuối được ghi (accounts changed outside the application)"]
    }
}
