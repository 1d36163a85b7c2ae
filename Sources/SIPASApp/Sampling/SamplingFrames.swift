import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore

/// Frames from one-stop-shop lists: upload (CSV or XLSX) with a preview, the column mapping, the
/// checks before anything is stored, the same person across dossiers, fixing and purging. The
/// uploaded file and the contact columns are kept only sealed with the contacts key.
public struct SamplingFrames: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }
    var store: SamplingRepository { SamplingRepository() }

    /// Machine names of a stored frame's columns: what designs name and the draw projection holds.
    public static let columnNames: [FrameRole: String] = [
        .key: "ma_ho_so", .unit: "ma_don_vi", .area: "ma_dia_ban", .service: "linh_vuc", .procedure: "thu_tuc", .agency: "co_quan",
    ]
    public static let previewRows = 8
    public static let problemLimit = AppError.itemLimit

    public struct Preview: Sendable {
        public var uploadId: Int
        public var fileName: String
        public var header: [String]
        public var rows: [[String]]
        public var totalRows: Int
        public var suggested: FrameMapping
        public var window: (from: String, to: String)
    }

    /// Checks a file can be read and keeps it, sealed, for the mapping step.
    public func upload(campaign id: Int, fileName: String, sheet: String? = nil, bytes: [UInt8], by user: User?) async throws -> Preview {
        let (user, campaign) = try await administered(id, by: user)
        try requireOpen(campaign)
        let sheet = sheet?.trimmingCharacters(in: .whitespaces).nonEmpty
        let table = try Self.parse(fileName: fileName, bytes: bytes, sheet: sheet)
        let seal = try platform.db.contactSeal()
        // Kept as read, not as sent: the import that follows needs no second unzip and scan.
        let sealed = try seal.seal(FrameTableArchive.encode(table), context: "upload/\(campaign.id)")
        let uploadId = try await platform.transaction { [store] sql in
            try await store.deleteUploads(campaignId: campaign.id, on: sql)
            let uploadId = try await store.saveUpload(campaignId: campaign.id, fileName: fileName, sheet: sheet, sealed: sealed, userId: user.id, on: sql)
            try await platform.record(user, "frame.upload", entity: "campaign", id: String(campaign.id),
                                      detail: "tệp \(fileName), \(table.rows.count) dòng", on: sql)
            return uploadId
        }
        return Preview(uploadId: uploadId, fileName: fileName, header: table.header, rows: table.rows.prefix(Self.previewRows).map(\.values),
                       totalRows: table.rows.count, suggested: Self.suggest(table.header), window: Self.defaultWindow(campaign))
    }

    /// The preview of an upload kept earlier (the mapping form shown again after a problem).
    public func preview(campaign id: Int, uploadId: Int, by user: User?) async throws -> Preview {
        let (_, campaign) = try await administered(id, by: user)
        let (fileName, table) = try await uploaded(campaign, uploadId)
        return Preview(uploadId: uploadId, fileName: fileName, header: table.header, rows: table.rows.prefix(Self.previewRows).map(\.values),
                       totalRows: table.rows.count, suggested: Self.suggest(table.header), window: Self.defaultWindow(campaign))
    }

    public struct ImportRequest: Sendable {
        public var uploadId: Int
        /// Role name (`FrameRole.rawValue`) → the file's header; empty values are "not in the file".
        public var mapping: [String: String]
        public var windowFrom: String?
        public var windowTo: String?
        public init(uploadId: Int, mapping: [String: String], windowFrom: String? = nil, windowTo: String? = nil) {
            self.uploadId = uploadId
            self.mapping = mapping
            self.windowFrom = windowFrom
            self.windowTo = windowTo
        }
    }

    /// Validates every row, then stores the frame in one transaction, or nothing.
    public func importFrame(campaign id: Int, _ request: ImportRequest, by user: User?) async throws -> Summary {
        let (user, campaign) = try await administered(id, by: user)
        try requireOpen(campaign)
        if try await platform.read({ [store] sql in try await store.draws(campaignId: campaign.id, on: sql) }).isEmpty == false {
            throw AppError.conflict("kỳ này đã rút mẫu từ khung hiện có; khung mẫu không thay được nữa (rút lại dùng khung đó, kèm lý do) (a draw exists)", field: "/upload_id")
        }
        let (fileName, table) = try await uploaded(campaign, request.uploadId)
        let mapping = try Self.mapping(request.mapping, header: table.header)
        let window = try Self.window(request, campaign: campaign)
        let measured = try await platform.read { [platform] sql in try await platform.store.campaigns.units(of: campaign.id, on: sql) }.map(\.unit)
        let checked = try await FrameRowsCheck(table: table, mapping: mapping, window: window, measured: measured, units: platform.store.units).run()
        let frameRows = try await Self.sealed(checked.rows, seal: try platform.db.contactSeal(), campaign: campaign.id)
        let store = self.store
        try await platform.transaction { sql in
            try await store.lockCampaign(campaign.id, on: sql)
            if try await !store.draws(campaignId: campaign.id, on: sql).isEmpty {
                throw AppError.conflict("kỳ này vừa được rút mẫu; khung mẫu không thay được nữa (a draw was made meanwhile)", field: "/upload_id")
            }
            try await store.deleteUndrawnFrames(campaignId: campaign.id, on: sql)
            let frameId = try await store.insertFrame(campaignId: campaign.id, fileName: fileName, header: table.header, mapping: mapping,
                                                      window: window, rows: frameRows.count, duplicateGroups: checked.duplicateGroups,
                                                      userId: user.id, on: sql)
            try await store.insertRows(frameRows, frameId: frameId, on: sql)
            try await store.deleteUploads(campaignId: campaign.id, on: sql)
            try await platform.recordState(user, .campaign, id: String(campaign.id), action: "frame.import",
                                      detail: "khung \(frameId): \(frameRows.count) dòng, \(checked.duplicateGroups) nhóm trùng người", on: sql)
        }
        return try await summary(campaign: campaign.id, by: user)
    }

    public struct Summary: Sendable {
        public var frame: SamplingRepository.Frame?
        /// Rows per measured unit (kept rows once fixed).
        public var perUnit: [(unit: AdminUnit, rows: Int)]
        /// Groups of dossiers of the same person: the lines and keys of each.
        public var duplicates: [[(line: Int, key: String, kept: Bool)]]
    }

    public func summary(campaign id: Int, by user: User?) async throws -> Summary {
        let (_, campaign) = try await administered(id, by: user)
        let store = self.store
        return try await platform.read { sql in
            guard let frame = try await store.latestFrame(campaignId: campaign.id, on: sql) else { return Summary(frame: nil, perUnit: [], duplicates: []) }
            let counts = frame.status == "purged" ? [:] : try await store.keptPerUnit(frameId: frame.id, on: sql)
            var groups: [Int: [(line: Int, key: String, kept: Bool)]] = [:]
            for row in frame.status == "purged" ? [] : try await store.duplicateRows(frameId: frame.id, on: sql) {
                groups[row.group, default: []].append((row.line, row.key, row.kept))
            }
            let measured = try await platform.store.campaigns.units(of: campaign.id, on: sql).map(\.unit)
            return Summary(frame: frame, perUnit: measured.map { ($0, counts[$0.id] ?? 0) },
                           duplicates: groups.keys.sorted().map { groups[$0]! })
        }
    }

    /// Which dossier of each same-person group stays: the first line, the last, or one at random
    /// by a seed (the smallest U(seed, "duplicate", key)); then the frame is fixed.
    public func fix(campaign id: Int, rule: String, seed: String?, by user: User?) async throws -> Summary {
        let (user, campaign) = try await administered(id, by: user)
        try requireOpen(campaign)
        guard ["first", "last", "random"].contains(rule) else {
            throw AppError.invalid("cách chọn hồ sơ giữ lại phải là first (đầu tiên), last (sau cùng) hoặc random (ngẫu nhiên theo hạt giống)", field: "/rule")
        }
        let seed = rule == "random" ? SeededUniform.nfc((seed ?? "").trimmingCharacters(in: .whitespaces)).nonEmpty ?? SeedText.generate() : nil
        let store = self.store
        try await platform.transaction { sql in
            try await store.lockCampaign(campaign.id, on: sql)
            guard let frame = try await store.latestFrame(campaignId: campaign.id, on: sql), frame.status == "checked" else {
                throw AppError.conflict("không có khung mẫu đang chờ chọn hồ sơ trùng người (no frame awaits this choice)", field: "/rule")
            }
            var groups: [Int: [(line: Int, key: String)]] = [:]
            for row in try await store.duplicateRows(frameId: frame.id, on: sql) { groups[row.group, default: []].append((row.line, row.key)) }
            let uniform = seed.map(SeededUniform.init(seed:))
            var dropped: [String] = []
            for (_, members) in groups {
                let keep: (line: Int, key: String)
                switch rule {
                case "first": keep = members.min { $0.line < $1.line }!
                case "last": keep = members.max { $0.line < $1.line }!
                default: keep = members.min { uniform!.value(["duplicate", $0.key]) < uniform!.value(["duplicate", $1.key]) }!
                }
                dropped += members.filter { $0.key != keep.key }.map(\.key)
            }
            try await store.setNotKept(frameId: frame.id, keys: dropped, on: sql)
            try await store.fix(frameId: frame.id, rule: rule, seed: seed, kept: frame.rows - dropped.count, on: sql)
            try await platform.recordState(user, .campaign, id: String(campaign.id), action: "frame.fix",
                                      detail: "khung \(frame.id): giữ \(rule)\(seed.map { ", hạt giống \($0)" } ?? ""), bỏ \(dropped.count) hồ sơ trùng người", on: sql)
        }
        return try await summary(campaign: campaign.id, by: user)
    }

    /// Deletes the frame's rows and their contacts after the campaign; the draws stay verifiable
    /// from their record and projection.
    public func purge(campaign id: Int, by user: User?) async throws {
        let (user, campaign) = try await administered(id, by: user)
        try await purge(campaign, by: user)
    }

    /// `sipas frame purge`: the server's operator, who holds the database itself.
    public func purgeAsOperator(campaign reference: String) async throws -> SamplingRepository.Frame {
        let campaign = try await platform.campaign(reference: reference)
        try await purge(campaign, by: nil)
        guard let frame = try await platform.read({ [store] sql in try await store.latestFrame(campaignId: campaign.id, on: sql) }) else {
            throw AppError.notFound("khung mẫu của kỳ \(reference)")
        }
        return frame
    }

    /// Contacts are purged after the campaign: fieldwork, re-checks and data entry still need them.
    public static func mayPurge(_ status: CampaignStatus) -> Bool { !status.isBefore(.analysis) }

    private func purge(_ campaign: Campaign, by user: User?) async throws {
        guard Self.mayPurge(campaign.status) else {
            throw AppError.conflict("khung mẫu chỉ xóa được sau khi thu thập xong (từ bước \"\(CampaignStatus.analysis.label)\"); kỳ đang ở bước \"\(campaign.status.label)\", điều tra viên và phúc tra còn cần thông tin liên hệ (purge after the campaign)", field: "/confirm")
        }
        let store = self.store
        try await platform.transaction { sql in
            guard let frame = try await store.latestFrame(campaignId: campaign.id, on: sql), frame.status != "purged" else {
                throw AppError.conflict("không có khung mẫu nào để xóa (no frame to purge)")
            }
            try await store.purge(frameId: frame.id, on: sql)
            try await store.deleteUploads(campaignId: campaign.id, on: sql)
            try await platform.recordState(user, .campaign, id: String(campaign.id), action: "frame.purge",
                                      detail: "khung \(frame.id): đã xóa \(frame.rows) dòng và thông tin liên hệ", on: sql)
        }
    }

    // MARK: helpers

    /// Whether the user may change this campaign's sampling now (its administrator, while it is
    /// a draft or at the sampling step): adapters ask before reading a request's body.
    public func requireWritable(campaign id: Int, by user: User?) async throws {
        let (_, campaign) = try await administered(id, by: user)
        try requireOpen(campaign)
    }

    func administered(_ id: Int, by user: User?) async throws -> (User, Campaign) {
        let user = try platform.require(user, .manageCampaigns)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        return (user, campaign)
    }

    /// Sampling happens at the campaign's sampling step: not in a draft (which can still be
    /// deleted or re-planned), not after fieldwork began.
    func requireOpen(_ campaign: Campaign) throws {
        guard campaign.status == .sampling else {
            throw AppError.conflict(campaign.status == .draft
                ? "kỳ đo lường còn là dự thảo; chuyển sang bước \"\(CampaignStatus.sampling.label)\" rồi mới nhập khung mẫu và rút mẫu (sampling starts at the sampling step)"
                : "kỳ đo lường đã qua bước chọn mẫu (\(campaign.status.label)); khung mẫu và mẫu không thay đổi được nữa (sampling is over)")
        }
    }

    private func uploaded(_ campaign: Campaign, _ uploadId: Int) async throws -> (String, RowsFrameTable) {
        guard let upload = try await platform.read({ [store] sql in try await store.upload(id: uploadId, campaignId: campaign.id, on: sql) }) else {
            throw AppError.notFound("tệp đã tải lên \(uploadId) (tải tệp lên lại)")
        }
        let bytes = try platform.db.contactSeal().open(upload.sealed, context: "upload/\(campaign.id)")
        guard FrameTableArchive.isArchive(bytes) else {
            return (upload.fileName, try Self.parse(fileName: upload.fileName, bytes: bytes, sheet: upload.sheet))
        }
        do {
            return (upload.fileName, try FrameTableArchive.decode(bytes, name: upload.fileName))
        } catch {
            throw AppError.notFound("tệp đã tải lên \(uploadId) không đọc lại được; tải tệp lên lại (an unreadable upload)")
        }
    }

    /// Seals each row's contacts (AES-GCM over a compact JSON object), on every core.
    static func sealed(_ rows: [FrameRowsCheck.Row], seal: ContactSeal, campaign: Int) async throws -> [SamplingRepository.FrameRow] {
        let chunk = 20_000
        return try await withThrowingTaskGroup(of: (Int, [SamplingRepository.FrameRow]).self) { group in
            for start in stride(from: 0, to: rows.count, by: chunk) {
                let slice = rows[start..<min(start + chunk, rows.count)]
                group.addTask {
                    (start, try slice.map { row in
                        var stored = row.stored
                        if !row.contact.isEmpty {
                            stored.sealed = try seal.seal(Array(ContactJSON.encode(row.contact).utf8), context: "frame/\(campaign)/\(row.stored.key)")
                        }
                        return stored
                    })
                }
            }
            var parts: [(Int, [SamplingRepository.FrameRow])] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    static func defaultWindow(_ campaign: Campaign) -> (from: String, to: String) {
        ("\(campaign.year)-01-01", "\(campaign.year)-12-31")
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
