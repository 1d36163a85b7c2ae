import Foundation
import SIPASApp
import SIPASReports
import SIPASCore
import SIPASFormats
import SIPASStore

/// The sampling page: frame, design and sizes, draw, draws with their files.
struct SamplingPage: Sendable {
    struct UnitRows: Sendable { var code: String; var name: String; var rows: String }
    struct Duplicate: Sendable { var number: Int; var lines: String }
    struct Size: Sendable { var label: String; var population: String; var sample: String; var reserves: String; var capped: Bool }
    struct DrawLine: Sendable {
        var number: Int; var seed: String; var drawnAt: String; var final: Bool; var reason: String?; var base: String
    }
    /// Stored values only: templates see stored properties, not computed ones.
    struct DesignForm: Sendable {
        var strata: [MappingPage.Option]
        var yamane: Bool, cochran: Bool, fixed: Bool, scopeTotal: Bool
        var e: String, deff: String, rr: String, count: String, minimum: String, reserves: String
        var allocations: [MappingPage.Option]

        init(_ c: SamplingDesigns.Choices) {
            strata = SamplingDesigns.strataChoices.map { MappingPage.Option(value: $0.value, label: $0.label, selected: $0.value == c.strata) }
            (yamane, cochran, fixed, scopeTotal) = (c.rule == "yamane", c.rule == "cochran", c.rule == "fixed", c.scope == "total")
            (e, deff, rr, count, minimum, reserves) = (c.e, c.deff, c.rr, c.count, c.minimum, c.reserves)
            allocations = [("proportional", "Tỷ lệ theo số hồ sơ"), ("equal", "Bằng nhau"), ("neyman", "Neyman")].map {
                MappingPage.Option(value: $0.0, label: $0.1, selected: $0.0 == c.allocation)
            }
        }
    }

    struct Design: Sendable {
        var document: String
        var areas: [String]
        var error: String?
        var problems: [ErrorPage.Item] = []
    }

    var chrome: Chrome
    var campaign: CampaignLine
    var open: Bool
    var notice: String?
    // Frame
    var hasFrame: Bool
    var frameFile: String?
    var frameStatus: String?
    var frameRows: String?
    var window: String?
    var checked: Bool
    var fixed: Bool
    var purged: Bool
    var mayPurge: Bool
    var perUnit: [UnitRows]
    var duplicates: [Duplicate]
    var frameError: String?
    var frameProblems: [ErrorPage.Item] = []
    var fixError: String?
    var purgeError: String?
    // Design
    var design: Design
    var sizes: [Size]
    var sizesTotal: Size?
    var sizesNote: String?
    // Draw
    /// The one-stage form, filled with the saved design when the form can say it.
    var form: DesignForm
    var mayDraw: Bool
    var drawn: Bool
    var draws: [DrawLine]
    var drawError: String?
    var cases: String?

    static func make(_ platform: Platform, campaign id: Int, user: User, csrf: String?, message: String?) async throws -> SamplingPage {
        let summary = try await platform.samplingFrames.summary(campaign: id, by: user)
        let campaign = try await platform.campaigns.campaign(id, by: user)
        let state = try await platform.samplingDesigns.state(campaign: id, by: user)
        let sizes = try await platform.samplingDesigns.sizes(campaign: id, by: user)
        let draws = try await platform.samplingDraws.list(campaign: id, by: user)
        let cases = try await platform.samplingDraws.cases(campaign: id, limit: 1, offset: 0, by: user)
        let frame = summary.frame
        func size(_ row: SamplingDesigns.SizeRow) -> Size {
            Size(label: row.label, population: VietnameseFormat.count(row.population), sample: VietnameseFormat.count(row.sample),
                 reserves: VietnameseFormat.count(row.reserves), capped: row.stratum != "" && row.sample == row.population)
        }
        let notices = [
            "imported": "Đã nhập khung mẫu.", "fixed": "Đã chốt khung mẫu.", "purged": "Đã xóa các dòng và thông tin liên hệ của khung mẫu; các lần rút vẫn kiểm tra được.",
            "design": "Đã lưu thiết kế chọn mẫu.", "drawn": "Đã rút mẫu. Tải tệp mẫu, biên bản và phần khung dùng để rút ở bảng dưới.",
        ]
        return SamplingPage(
            chrome: Chrome(title: "Chọn mẫu — \(campaign.title)", user: user, csrf: csrf, section: "campaigns"),
            campaign: CampaignLine(campaign), open: campaign.status == .sampling,
            notice: message.flatMap { notices[$0] },
            hasFrame: frame != nil, frameFile: frame?.fileName, frameStatus: frame.map { Self.statusLabel($0.status) },
            frameRows: frame.map { f in
                VietnameseFormat.count(f.rows) + " dòng" + (f.keptRows.map { $0 == f.rows ? "" : ", giữ lại \(VietnameseFormat.count($0))" } ?? "")
            },
            window: frame.map { "\(VietnameseFormat.date($0.windowFrom)) – \(VietnameseFormat.date($0.windowTo))" },
            checked: frame?.status == "checked", fixed: frame?.status == "fixed", purged: frame?.status == "purged", mayPurge: SamplingFrames.mayPurge(campaign.status),
            perUnit: summary.perUnit.map { UnitRows(code: $0.unit.code, name: $0.unit.name, rows: VietnameseFormat.count($0.rows)) },
            duplicates: summary.duplicates.enumerated().map { i, group in
                Duplicate(number: i + 1, lines: group.map { "dòng \($0.line) (\($0.key))\($0.kept ? "" : " — bỏ")" }.joined(separator: "; "))
            },
            design: Design(document: state.document, areas: state.areas.map { "\($0.fileName) (\(VietnameseFormat.count($0.rows)) địa bàn)" }),
            sizes: sizes.rows.map(size), sizesTotal: sizes.rows.isEmpty ? nil : size(sizes.total), sizesNote: sizes.note, form: DesignForm(SamplingDesigns.choices(of: state.design)),
            mayDraw: frame?.status == "fixed" && campaign.status == .sampling,
            drawn: !draws.isEmpty,
            draws: draws.reversed().map { d in
                DrawLine(number: d.number, seed: d.seed, drawnAt: VietnameseFormat.dateTime(d.drawnAt), final: d.isFinal, reason: d.reason,
                         base: "/campaigns/\(id)/sampling/draws/\(d.number)/")
            },
            cases: draws.isEmpty || cases.isEmpty ? nil : "có")
    }

    static func statusLabel(_ status: String) -> String {
        switch status {
        case "checked": "Đã kiểm tra, chờ chọn hồ sơ giữ lại của người có nhiều hồ sơ"
        case "fixed": "Đã chốt: dùng để rút mẫu"
        case "purged": "Đã xóa sau kỳ (các lần rút vẫn kiểm tra được)"
        default: status
        }
    }

    mutating func stepError(_ step: String, _ message: String, items: [ErrorPage.Item]) {
        switch step {
        case "frame": fixError = message
        case "purge": purgeError = message
        case "design": design.error = message; design.problems = items
        default: drawError = message
        }
    }
}

/// The column-mapping step: the file's first rows and, for each role, the header it reads.
struct MappingPage: Sendable {
    struct Option: Sendable { var value: String; var label: String; var selected: Bool }
    struct Role: Sendable { var role: String; var label: String; var contact: Bool; var options: [Option]; var error: String? }
    struct Row: Sendable { var cells: [String] }

    var chrome: Chrome
    var campaign: CampaignLine
    var uploadId: Int
    var fileName: String
    var totalRows: String
    var header: [String]
    var rows: [Row]
    var roles: [Role]
    var windowFrom: String
    var windowTo: String
    var refusal: String?
    var problems: [ErrorPage.Item] = []
    var moreProblems: String?

    static func make(_ platform: Platform, campaign id: Int, preview: SamplingFrames.Preview, user: User, csrf: String?) async throws -> MappingPage {
        let campaign = try await platform.campaigns.campaign(id, by: user)
        var page = MappingPage(chrome: Chrome(title: "Chọn cột của khung mẫu", user: user, csrf: csrf, section: "campaigns"),
                               campaign: CampaignLine(campaign), uploadId: preview.uploadId, fileName: preview.fileName,
                               totalRows: VietnameseFormat.count(preview.totalRows), header: preview.header,
                               rows: preview.rows.map { Row(cells: $0.map(Self.shown)) }, roles: [],
                               windowFrom: VietnameseFormat.date(preview.window.from), windowTo: VietnameseFormat.date(preview.window.to))
        page.chosen(preview.suggested.columns.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }, from: nil, to: nil)
        return page
    }

    /// A date the workbook stored as a date, shown as a Vietnamese reads it.
    static func shown(_ cell: String) -> String {
        cell.count == 10 && FrameDate.parse(cell) == cell && cell.contains("-") ? VietnameseFormat.date(cell) : cell
    }

    mutating func chosen(_ mapping: [String: String], from: String?, to: String?) {
        roles = FrameRole.allCases.map { role in
            let current = mapping[role.rawValue] ?? ""
            return Role(role: role.rawValue, label: role.vietnameseLabel, contact: role.isContact,
                        options: [Option(value: "", label: "— không có trong tệp —", selected: current.isEmpty)]
                            + header.map { Option(value: $0, label: $0, selected: $0 == current) })
        }
        if let from, !from.isEmpty { windowFrom = from }
        if let to, !to.isEmpty { windowTo = to }
    }

    mutating func fieldError(_ field: String?) {
        guard let field, field.hasPrefix("/mapping/") else { return }
        let role = String(field.dropFirst("/mapping/".count))
        for i in roles.indices where roles[i].role == role { roles[i].error = refusal }
    }
}

struct HandoverPage: Sendable {
    struct Size: Sendable { var stratum: String; var sample: String; var reserves: String }
    var chrome: Chrome
    var campaign: CampaignLine
    var number: Int
    var seed: String
    var drawnAt: String
    var reason: String?
    var design: String
    var frameSHA256: String
    var frameRows: String
    var drawSHA256: String
    var sizes: [Size]
    var totalSample: String
    var totalReserves: String

    init(chrome: Chrome, campaign: CampaignLine, summary: SamplingHandover.Summary) {
        self.chrome = chrome
        self.campaign = campaign
        number = summary.draw.number
        seed = summary.draw.seed
        drawnAt = VietnameseFormat.dateTime(summary.draw.drawnAt)
        reason = summary.draw.reason
        design = summary.design
        frameSHA256 = summary.frameSHA256
        frameRows = VietnameseFormat.count(summary.frameRows)
        drawSHA256 = summary.drawSHA256
        sizes = summary.sizes.map { Size(stratum: $0.label, sample: VietnameseFormat.count($0.sample), reserves: VietnameseFormat.count($0.reserves)) }
        totalSample = VietnameseFormat.count(summary.sizes.reduce(0) { $0 + $1.sample })
        totalReserves = VietnameseFormat.count(summary.sizes.reduce(0) { $0 + $1.reserves })
    }
}
