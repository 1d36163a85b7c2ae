import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore

/// Draws from a campaign's fixed frame (sampling-method §5–§9): one final draw, a new one only with
/// a written reason (both audited with the seed and hashes); the record, the draw file and the draw
/// projection kept with it; the sampled rows become the campaign's cases with their design weights.
public struct SamplingDraws: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }
    var frames: SamplingFrames { SamplingFrames(platform) }
    var store: SamplingRepository { SamplingRepository() }

    public static let reasonLimit = 2000
    public static let seedLimit = 200

    public struct Outcome: Sendable {
        public var draw: SamplingRepository.Draw
        public var sampled: Int
        public var reserves: Int
        public var frameSHA256: String
        public var drawSHA256: String
    }

    public func draw(campaign id: Int, seed typed: String?, reason typedReason: String?, by user: User?) async throws -> Outcome {
        let (user, campaign) = try await frames.administered(id, by: user)
        try frames.requireOpen(campaign)
        let seed = SeededUniform.nfc((typed ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        if typed != nil && seed.isEmpty {
            throw AppError.invalid("hạt giống trống; nhập một chuỗi ký tự, hoặc không nhập gì (không gửi trường seed) để hệ thống tạo 32 chữ số hex (an empty seed)", field: "/seed")
        }
        if seed.count > Self.seedLimit || seed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw AppError.invalid("hạt giống tối đa \(Self.seedLimit) ký tự, không có ký tự điều khiển", field: "/seed")
        }
        let reason = (typedReason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.count > Self.reasonLimit { throw AppError.invalid("lý do tối đa \(Self.reasonLimit) ký tự", field: "/reason") }
        let store = self.store
        let (frame, rows, document, areas, earlier) = try await platform.read { sql in
            let frame = try await store.latestFrame(campaignId: campaign.id, on: sql)
            let rows = frame?.status == "fixed" ? try await store.designRows(frameId: frame!.id, on: sql) : (rows: [], unitIds: [])
            return (frame, rows, try await store.design(campaignId: campaign.id, on: sql), try await store.areas(campaignId: campaign.id, on: sql),
                    try await store.draws(campaignId: campaign.id, on: sql))
        }
        guard let frame, frame.status == "fixed" else {
            throw AppError.conflict("chưa có khung mẫu đã chốt để rút mẫu (nhập khung, chọn hồ sơ giữ lại) (no fixed frame)", field: "/seed")
        }
        if !earlier.isEmpty && reason.isEmpty {
            throw AppError.invalid("kỳ đã có một lần rút (lần \(earlier.count)); rút lại cần ghi lý do, lý do được lưu vào nhật ký (a second draw needs a reason)", field: "/reason")
        }
        guard let document else { throw AppError.conflict("chưa lưu thiết kế chọn mẫu (no design)", field: "/seed") }
        let design = try SamplingDesigns.check(document)
        let table = Self.frameTable(rows.rows)
        let areaTables = try areas.map(Self.areasTable)
        let chosenSeed = seed.isEmpty ? SeedText.generate() : seed
        let sample: DrawnSample
        let projection: [UInt8]
        do {
            sample = try SampleDrawRunner.draw(frame: table, areas: areaTables, design: design, seed: chosenSeed, keepingProjection: true)
            projection = sample.projectionCSV ?? []
        } catch let error as SamplingError {
            throw AppError.invalid(error.description, field: "/document")
        } catch let problem as SamplingInputProblem {
            throw AppError(.invalidContent, "không rút được mẫu (the draw failed)", field: "/document",
                           items: [AppError.Item(line: problem.line, field: problem.column, message: problem.message)])
        }
        let drawnAt = Date()
        let record = DrawRecord(sample: sample, drawnAt: drawnAt, reason: reason.isEmpty ? nil : reason, software: ProductVersion.software)
        let cases = Self.cases(sample, design: design, table: table, unitIds: rows.unitIds)
        let stored = try await platform.transaction { sql in
            // Two draws at once: the second sees the first and needs its own reason.
            try await store.lockCampaign(campaign.id, on: sql)
            // Responses already carry this draw's cases and weights: a new draw would leave them
            // pointing at cases that no longer exist.
            let responses = try await platform.store.responses.count(campaignId: campaign.id, on: sql)
            if responses > 0 {
                throw AppError.conflict("kỳ đã có \(responses) phiếu trả lời gắn với mẫu hiện tại; không rút lại được (responses already use this draw)", field: "/reason")
            }
            if try await FieldworkRepository().anyWorkedOn(campaignId: campaign.id, on: sql) {
                throw AppError.conflict("các trường hợp của mẫu hiện tại đã được giao cho điều tra viên hoặc đã có phiếu nhập; không rút lại được (cases are already assigned or keyed)", field: "/reason")
            }
            let now = try await store.draws(campaignId: campaign.id, on: sql)
            let current = try await store.latestFrame(campaignId: campaign.id, on: sql)
            if now.count != earlier.count || current?.id != frame.id || current?.status != "fixed" {
                throw AppError.conflict("khung mẫu hoặc các lần rút đã thay đổi trong lúc rút; tải lại trang, xem lần rút mới nhất rồi mới quyết định rút tiếp (the frame or the draws changed meanwhile)", field: "/reason")
            }
            let draw = try await store.insertDraw(campaignId: campaign.id, frameId: frame.id, seed: sample.seed, record: record.json,
                                                  drawCSV: String(decoding: sample.csv, as: UTF8.self),
                                                  projectionCSV: String(decoding: projection, as: UTF8.self),
                                                  reason: reason.isEmpty ? nil : reason, userId: user.id,
                                                  drawnAt: Timestamp.string(drawnAt), on: sql)
            try await store.replaceCases(cases, campaignId: campaign.id, drawId: draw.id, on: sql)
            try await platform.recordState(user, .campaign, id: String(campaign.id), action: earlier.isEmpty ? "sampling.draw" : "sampling.redraw",
                                      detail: "lần \(draw.number): hạt giống \(sample.seed); khung sha256 \(sample.frame.sha256) (\(sample.frame.rows) dòng); mẫu sha256 \(sample.drawSHA256)"
                                        + (reason.isEmpty ? "" : "; lý do: \(reason)"), on: sql)
            return draw
        }
        return Outcome(draw: stored, sampled: cases.filter { $0.role == "sample" }.count, reserves: cases.filter { $0.role == "reserve" }.count,
                       frameSHA256: sample.frame.sha256, drawSHA256: sample.drawSHA256)
    }

    /// Cases of the person stage in draw order, numbered from 1, with their design weight (§8).
    static func cases(_ sample: DrawnSample, design: SamplingDesign, table: RowsFrameTable, unitIds: [Int]) -> [SamplingRepository.CaseRow] {
        let drawn = sample.rows.filter { $0.stage == design.personStage.name }
        // Each drawn row's position in the frame comes back with it: unit and area without a lookup.
        func frameRow(_ row: DrawRow) -> (unitId: Int, area: String)? {
            guard let position = row.row, position < unitIds.count, table.rows[position].values[0] == row.key else { return nil }
            return (unitIds[position], table.rows[position].values[2])
        }
        var number = 0
        return drawn.map { row in
            number += 1
            let found = frameRow(row)
            let area = design.isMultiStage ? sample.selectedAreas[found?.area ?? ""] : nil
            let probability = (area?.probability ?? 1) * row.pi
            return SamplingRepository.CaseRow(
                number: number, code: CaseCode(number: number).description, frameKey: row.key, unitId: found?.unitId ?? 0,
                stratum: row.stratum, firstStratum: area?.firstStratum ?? row.stratum, psu: area?.psu, role: row.role.rawValue,
                order: row.order, pi: row.pi, designWeight: probability > 0 ? 1 / probability : 0, status: "drawn")
        }
    }

    /// A stored frame as the draw reads it: the key and design columns under their machine names.
    static func frameTable(_ rows: [(line: Int, values: [String])]) -> RowsFrameTable {
        let names = SamplingFrames.columnNames
        let header = [names[.key]!, names[.unit]!, names[.area]!, names[.service]!, names[.procedure]!, names[.agency]!]
        return RowsFrameTable(name: "khung-mau.csv", header: header, rows: rows)
    }

    static func areasTable(_ file: (fileName: String, content: String)) throws -> RowsFrameTable {
        do {
            return try SamplingFrames.parse(fileName: file.fileName, bytes: Array(file.content.utf8))
        } catch let error as AppError {
            throw AppError(error.kind, "tệp địa bàn \(file.fileName): \(error.message)", field: "/areas", items: error.items, totalItems: error.totalItems)
        }
    }

    public func list(campaign id: Int, by user: User?) async throws -> [SamplingRepository.Draw] {
        let campaign = try await readable(id, by: user)
        return try await platform.read { [store] sql in try await store.draws(campaignId: campaign.id, on: sql) }
    }

    public enum File: String, Sendable, CaseIterable {
        case draw, record, projection
        public var fileName: String {
            switch self {
            case .draw: "mau.csv"
            case .record: "bien-ban.json"
            case .projection: "khung-mau-rut.csv"
            }
        }
    }

    /// A draw's files: for the campaign's administrators at any time, for anyone once the campaign
    /// is published (none holds contact data).
    public func file(_ kind: File, campaign id: Int, number: Int, by user: User?) async throws -> String {
        let campaign = try await readable(id, by: user)
        let store = self.store
        return try await platform.read { sql in
            guard let draw = try await store.draws(campaignId: campaign.id, on: sql).first(where: { $0.number == number }) else {
                throw AppError.notFound("lần rút \(number)")
            }
            switch kind {
            case .record: return draw.record
            case .draw: return try await store.drawFile(drawId: draw.id, projection: false, on: sql) ?? ""
            case .projection: return try await store.drawFile(drawId: draw.id, projection: true, on: sql) ?? ""
            }
        }
    }

    /// The areas file of one area stage of a draw (1 for the first), so that anyone can re-run a
    /// multi-stage draw: served only while it is the very file the draw used (its hash is the
    /// record's).
    public func areasFile(campaign id: Int, number: Int, stage: Int, by user: User?) async throws -> (fileName: String, content: String) {
        let campaign = try await readable(id, by: user)
        let store = self.store
        let (draw, areas) = try await platform.read { sql in
            (try await store.draws(campaignId: campaign.id, on: sql).first { $0.number == number }, try await store.areas(campaignId: campaign.id, on: sql))
        }
        guard let draw else { throw AppError.notFound("lần rút \(number)") }
        let record: DrawRecord
        do { record = try DrawRecord.read(draw.record, file: "bien-ban.json") } catch { throw AppError.notFound("biên bản của lần rút \(number)") }
        guard stage >= 1, stage <= record.areas.count, stage <= record.design.areaStages.count else {
            throw AppError.notFound("tệp địa bàn giai đoạn \(stage) của lần rút \(number) (lần rút có \(record.areas.count) tệp địa bàn)")
        }
        let changed = AppError.conflict("tệp địa bàn giai đoạn \(stage) đã được thay sau lần rút \(number); tệp dùng khi rút không còn lưu (the areas file changed after the draw)")
        guard stage <= areas.count else { throw changed }
        let file = areas[stage - 1]
        let digest = try? SampleDrawRunner.areasDigest(try Self.areasTable(file), stage: record.design.areaStages[stage - 1])
        guard digest?.sha256 == record.areas[stage - 1].sha256 else { throw changed }
        return file
    }

    /// Administrators always; everyone (signed in or not) once the campaign is published.
    func readable(_ id: Int, by user: User?) async throws -> Campaign {
        if let user, let campaign = try? await frames.administered(id, by: user).1 { return campaign }
        // A campaign the account cannot see is not found, as on every other route: no probing.
        if let user { _ = try await platform.visibleCampaign(id, for: user) }
        guard let campaign = try await platform.store.campaigns.findCommitted(id: id),
              campaign.status == .published || campaign.status == .closed else {
            // Before publication the files are the administrators': others are asked to sign in.
            if user == nil { throw AppError.unauthenticated() }
            throw AppError.forbidden("tệp chọn mẫu công khai khi kỳ đo lường được công bố; trước đó chỉ người quản trị kỳ xem được (before publication, administrators only)")
        }
        return campaign
    }

    public func cases(campaign id: Int, limit: Int, offset: Int, by user: User?) async throws -> [SamplingRepository.CaseRow] {
        let (_, campaign) = try await frames.administered(id, by: user)
        return try await platform.read { [store] sql in try await store.cases(campaignId: campaign.id, limit: limit, offset: offset, on: sql) }
    }
}
