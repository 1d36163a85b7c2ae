import SIPASCore

/// A measurement campaign (kỳ đo lường).
public struct Campaign: Sendable, Codable, Equatable {
    public var id: Int
    public var code: String
    public var year: Int
    public var title: String
    public var legalBasis: String
    public var questionnaireId: Int
    public var ownerUnitId: Int?
    public var status: CampaignStatus
    public var createdAt: String
}

/// The phases a campaign moves through, in order. Moving forward or back one step is allowed;
/// responses are accepted only during fieldwork and data entry.
public enum CampaignStatus: String, Sendable, Codable, CaseIterable {
    case draft, sampling, fieldwork, entry, analysis, published, closed

    public var label: String {
        switch self {
        case .draft: return "Dự thảo kế hoạch"
        case .sampling: return "Chọn mẫu"
        case .fieldwork: return "Điều tra thực địa"
        case .entry: return "Nhập liệu"
        case .analysis: return "Phân tích"
        case .published: return "Đã công bố"
        case .closed: return "Đã đóng"
        }
    }

    public var acceptsResponses: Bool { self == .fieldwork || self == .entry }

    public func canMove(to next: CampaignStatus) -> Bool {
        let all = Self.allCases
        let a = all.firstIndex(of: self)!, b = all.firstIndex(of: next)!
        return abs(a - b) == 1
    }
}

/// The phases of a campaign's plan with their dates.
public enum CampaignPhase: String, Sendable, Codable, CaseIterable {
    case plan, sampling, fieldwork, entry, analysis, publication
}
