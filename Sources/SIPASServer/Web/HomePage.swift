import SIPASApp
import SIPASCore

/// The first page after signing in: what this account can do next, and its campaigns.
struct HomePage: Sendable {
    struct Step: Sendable {
        var text: String
        var href: String?
        var linkText: String?
    }

    var chrome: Chrome
    var greeting: String
    var roleLabel: String
    var scopeName: String?
    var steps: [Step]
    /// For those who run campaigns: the one thing the latest campaign needs now.
    var next: Step?
    var canCreate: Bool
    var campaigns: [CampaignLine]
    var hasCampaigns: Bool

    static func make(_ platform: Platform, user: User, csrf: String?) async throws -> HomePage {
        let scope = try await platform.scope(of: user)
        let campaigns = try await platform.campaigns.list(by: user, limit: 200, offset: 0)
        let first = campaigns.first
        return HomePage(chrome: Chrome(title: "Trang chủ", user: user, csrf: csrf, section: "home"),
                        greeting: "Xin chào, \(user.displayName)", roleLabel: user.role.label, scopeName: scope?.unit.name,
                        steps: steps(for: user.role, first: first),
                        next: AccessPolicy.allows(user.role, .manageCampaigns) ? nextStep(first) : nil,
                        canCreate: AccessPolicy.allows(user.role, .manageCampaigns), campaigns: campaigns.map(CampaignLine.init),
                        hasCampaigns: !campaigns.isEmpty)
    }

    /// What the latest campaign waits for, in the words of its phase.
    static func nextStep(_ campaign: Campaign?) -> Step {
        guard let c = campaign else {
            return Step(text: "Chưa có kỳ đo lường nào: bắt đầu bằng việc tạo kỳ đo lường (đơn vị, mục tiêu, bảng hỏi, kế hoạch).",
                        href: "/campaigns/new", linkText: "Tạo kỳ đo lường")
        }
        let page = "/campaigns/\(c.id)"
        switch c.status {
        case .draft:
            return Step(text: "Kỳ \(c.code) đang là dự thảo: kiểm tra đơn vị, mục tiêu, người ký báo cáo rồi chuyển sang \"Chọn mẫu\".",
                        href: page, linkText: "Hoàn thiện kế hoạch")
        case .sampling:
            return Step(text: "Kỳ \(c.code) đang chọn mẫu: khi có mẫu, chuyển sang \"Điều tra thực địa\" để bắt đầu nhận phiếu.",
                        href: page, linkText: "Mở kỳ đo lường")
        case .fieldwork, .entry:
            return Step(text: "Kỳ \(c.code) đang nhận phiếu: tải tệp phiếu theo mẫu và theo dõi số phiếu của từng đơn vị.",
                        href: "\(page)/upload", linkText: "Tải tệp phiếu")
        case .analysis:
            return Step(text: "Kỳ \(c.code) đã kết thúc nhập liệu: đọc chỉ số, in báo cáo, rồi xem trước và công bố kết quả.",
                        href: "\(page)/publish", linkText: "Xem trước và công bố")
        case .published:
            return Step(text: "Kết quả kỳ \(c.code) đang được công bố.", href: "/public/\(c.code)", linkText: "Trang công khai")
        case .closed:
            return Step(text: "Kỳ \(c.code) đã đóng. Kỳ đo lường tiếp theo bắt đầu từ việc tạo kỳ mới.", href: "/campaigns/new", linkText: "Tạo kỳ đo lường")
        }
    }

    private static func steps(for role: Role, first: Campaign?) -> [Step] {
        let dashboard = first.map { "/campaigns/\($0.id)/dashboard" }
        switch role {
        case .systemAdmin:
            return [Step(text: "Theo dõi các kỳ đo lường và trạng thái của chúng.", href: "/campaigns", linkText: "Danh sách kỳ đo lường"),
                    Step(text: "Xem kết quả: chỉ số, xếp hạng đơn vị, so sánh giữa các năm.", href: dashboard, linkText: "Bảng điều khiển"),
                    Step(text: "Tra cứu đơn vị hành chính trước và sau ngày 01/07/2025.", href: "/units", linkText: "Đơn vị hành chính")]
        case .provinceAdmin:
            return [Step(text: "Chuyển kỳ đo lường qua các giai đoạn: chọn mẫu, điều tra, nhập liệu, phân tích.", href: "/campaigns",
                         linkText: "Kỳ đo lường của tỉnh"),
                    Step(text: "Theo dõi số phiếu đã nhận theo đơn vị, kênh và ngày.", href: first.map { "/campaigns/\($0.id)/received" },
                         linkText: "Tiến độ nhận phiếu"),
                    Step(text: "Xem chỉ số, xếp hạng và mức đạt mục tiêu của từng đơn vị.", href: dashboard, linkText: "Bảng điều khiển")]
        case .ministryAnalyst:
            return [Step(text: "Đọc kết quả mọi kỳ đo lường: chỉ số với khoảng tin cậy 95%, xếp hạng có khoảng thứ hạng.", href: dashboard,
                         linkText: "Bảng điều khiển"),
                    Step(text: "So sánh với năm trước, kể cả qua đợt sắp xếp đơn vị hành chính 01/07/2025.",
                         href: first.map { "/campaigns/\($0.id)/change" }, linkText: "So sánh giữa các kỳ")]
        case .unitViewer:
            return [Step(text: "Khi kỳ đo lường kết thúc nhập liệu, xem chỉ số của đơn vị mình, mức đạt mục tiêu và tiêu chí nên cải thiện trước.",
                         href: dashboard, linkText: "Kết quả của đơn vị"),
                    Step(text: "Đơn vị chỉ thấy số liệu tổng hợp, không bao giờ thấy ai trả lời thế nào: khảo sát giữ khách quan.", href: nil, linkText: nil)]
        case .enumerator:
            return [Step(text: "Mở kỳ đo lường đang điều tra để xem các trường hợp được giao, phát và thu phiếu, ghi kết quả từng trường hợp.",
                         href: first.map { "/campaigns/\($0.id)/fieldwork/cases" } ?? "/campaigns", linkText: "Trường hợp của tôi"),
                    Step(text: "Chỉ bạn thấy thông tin liên hệ của người được giao cho bạn; kết quả chỉ số do cán bộ phân tích xem.", href: nil, linkText: nil)]
        case .fieldSupervisor:
            return [Step(text: "Theo dõi tiến độ của các điều tra viên thuộc bưu điện, ghi kết quả theo bảng kê.",
                         href: first.map { "/campaigns/\($0.id)/fieldwork" } ?? "/campaigns", linkText: "Điều tra thực địa")]
        case .dataEntryClerk:
            return [Step(text: "Nhập phiếu giấy theo mã trường hợp in trên phiếu; mỗi phiếu được hai người nhập.",
                         href: first.map { "/campaigns/\($0.id)/entry" } ?? "/campaigns", linkText: "Nhập phiếu"),
                    Step(text: "Phiếu cũng có thể gửi qua API hoặc tệp CSV; kết quả chỉ số do cán bộ phân tích xem.", href: nil, linkText: nil)]
        }
    }
}

/// A campaign in a list.
struct CampaignLine: Sendable {
    var id: Int
    var code: String
    var year: Int
    var title: String
    var statusLabel: String
    var figuresFinal: Bool

    init(_ campaign: Campaign) {
        id = campaign.id
        code = campaign.code
        year = campaign.year
        title = campaign.title
        statusLabel = campaign.status.label
        figuresFinal = campaign.status.figuresAreFinal
    }
}
