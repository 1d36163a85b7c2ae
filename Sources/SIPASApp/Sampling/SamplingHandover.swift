import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore

/// The hand-over to the Ministry (seed 001: "gửi kết quả chọn mẫu về Bộ"): the final draw's cases
/// with Vietnamese headers, contact columns only when the official asks for them, the record, and
/// a one-page summary (design, sizes per stratum, seed, hashes).
public struct SamplingHandover: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public struct Table: Sendable {
        public var campaign: Campaign
        public var draw: SamplingRepository.Draw
        public var header: [String]
        public var rows: [[String]]
    }

    public static let header = ["Mã phiếu", "Vai trò", "Thứ tự", "Tầng", "Mã đơn vị", "Tên đơn vị", "Mã hồ sơ", "Xác suất chọn", "Trọng số thiết kế"]
    public static let contactHeader = ["Họ tên", "Địa chỉ", "Điện thoại", "Số CCCD/giấy tờ"]

    public func table(campaign id: Int, withContacts: Bool, by user: User?) async throws -> Table {
        let (user, campaign) = try await SamplingFrames(platform).administered(id, by: user)
        let store = SamplingRepository()
        let (draws, cases, frame) = try await platform.read { sql in
            (try await store.draws(campaignId: campaign.id, on: sql), try await store.cases(campaignId: campaign.id, limit: Int.max / 2, offset: 0, on: sql),
             try await store.latestFrame(campaignId: campaign.id, on: sql))
        }
        guard let draw = draws.last(where: \.isFinal) else { throw AppError.notFound("lần rút mẫu của kỳ (hãy rút mẫu trước)") }
        let units = Dictionary(try await platform.read { sql in try await platform.store.campaigns.units(of: campaign.id, on: sql) }.map { ($0.unit.id, $0.unit) },
                               uniquingKeysWith: { a, _ in a })
        var contacts: [String: [String: String]] = [:]
        if withContacts {
            guard let frame, frame.status != "purged" else {
                throw AppError.conflict("khung mẫu đã được xóa sau kỳ; không còn thông tin liên hệ để kèm (the frame was purged)", field: "contacts")
            }
            let seal = try platform.db.contactSeal()
            let rows = try await platform.read { sql in try await store.rows(frameId: frame.id, withContacts: true, keptOnly: true, on: sql) }
            let wanted = Set(cases.map(\.frameKey))
            for row in rows where wanted.contains(row.key) {
                guard let sealed = row.sealed else { continue }
                let plain = try seal.open(sealed, context: "frame/\(campaign.id)/\(row.key)")
                contacts[row.key] = try ContactJSON.decode(plain)
            }
            try await platform.transaction { sql in
                try await platform.record(user, "sampling.contacts", entity: "campaign", id: String(campaign.id),
                                          detail: "xuất danh sách mẫu kèm thông tin liên hệ (\(cases.count) trường hợp)", on: sql)
            }
        }
        let rows = cases.map { c -> [String] in
            var row = [c.code, c.role == "sample" ? "Mẫu" : "Dự phòng", String(c.order), c.stratum, units[c.unitId]?.code ?? "",
                       units[c.unitId]?.name ?? "", c.frameKey, c.pi.description, c.designWeight.description]
            if withContacts {
                let found = contacts[c.frameKey] ?? [:]
                row += [FrameRole.name, .address, .phone, .idNumber].map { found[$0.rawValue] ?? "" }
            }
            return row
        }
        return Table(campaign: campaign, draw: draw, header: Self.header + (withContacts ? Self.contactHeader : []), rows: rows)
    }

    public struct Summary: Sendable {
        public var campaign: Campaign
        public var draw: SamplingRepository.Draw
        public var design: String
        public var frameSHA256: String
        public var frameRows: Int
        public var drawSHA256: String
        /// Each stratum with its label (a unit code first is written with the unit's name).
        public var sizes: [(stratum: String, label: String, sample: Int, reserves: Int)]
    }

    /// The one-page summary: read from the record and the cases, so it says what was drawn.
    public func summary(campaign id: Int, by user: User?) async throws -> Summary {
        let (_, campaign) = try await SamplingFrames(platform).administered(id, by: user)
        let store = SamplingRepository()
        let (draws, cases) = try await platform.read { sql in
            (try await store.draws(campaignId: campaign.id, on: sql), try await store.cases(campaignId: campaign.id, limit: Int.max / 2, offset: 0, on: sql))
        }
        guard let draw = draws.last(where: \.isFinal) else { throw AppError.notFound("lần rút mẫu của kỳ (hãy rút mẫu trước)") }
        let record = try DrawRecord.read(draw.record, file: "bien-ban.json")
        let names = Dictionary(try await platform.read { sql in try await platform.store.campaigns.units(of: campaign.id, on: sql) }
            .map { ($0.unit.code, $0.unit.name) }, uniquingKeysWith: { a, _ in a })
        func label(_ stratum: String) -> String {
            let first = stratum.split(separator: "/").first.map(String.init) ?? stratum
            guard let name = names[first] else { return stratum }
            return stratum == first ? "\(name) (\(first))" : "\(name) (\(first))" + stratum.dropFirst(first.count)
        }
        var sizes: [String: (Int, Int)] = [:]
        for c in cases { sizes[c.stratum, default: (0, 0)].0 += c.role == "sample" ? 1 : 0; sizes[c.stratum, default: (0, 0)].1 += c.role == "sample" ? 0 : 1 }
        return Summary(campaign: campaign, draw: draw, design: SamplingDesignWriter.yaml(record.design, frameKey: record.keyColumn),
                       frameSHA256: record.frame.sha256, frameRows: record.frame.rows, drawSHA256: record.drawSHA256,
                       sizes: sizes.keys.sorted(by: Allocation.codePointOrder).map { ($0, label($0), sizes[$0]!.0, sizes[$0]!.1) })
    }
}
