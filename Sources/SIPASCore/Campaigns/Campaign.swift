
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
    /// The smallest group a role without access to individual responses is shown.
    public var disclosureMinN: Int
    /// The breakdowns aggregate audiences may have besides the unit levels (a respondent
    /// characteristic, the channel); nil: the channel and every single-choice item.
    public var releaseBreakdowns: [String]?
    /// Who issues and signs the campaign's report; empty: the owner's people's committee, unsigned.
    public var signature: ReportSignature

    public init(id: Int, code: String, year: Int, title: String, legalBasis: String, questionnaireId: Int, ownerUnitId: Int?,
                status: CampaignStatus, createdAt: String, disclosureMinN: Int = Campaign.defaultDisclosureMinN,
                releaseBreakdowns: [String]? = nil, signature: ReportSignature = ReportSignature()) {
        self.id = id
        self.code = code
        self.year = year
        self.title = title
        self.legalBasis = legalBasis
        self.questionnaireId = questionnaireId
        self.ownerUnitId = ownerUnitId
        self.status = status
        self.createdAt = createdAt
        self.disclosureMinN = disclosureMinN
        self.releaseBreakdowns = releaseBreakdowns
        self.signature = signature
    }

    public static let defaultDisclosureMinN = 30
}

/// The issuing body and signature block of a campaign's report (Nghị định 30/2020/NĐ-CP):
/// "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN … TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / Nguyễn Văn A".
public struct ReportSignature: Sendable, Codable, Equatable {
    /// How the signer signs for the body: on its behalf (TM.), as a deputy (KT.), or in its own name.
    public enum Capacity: String, Sendable, Codable, CaseIterable {
        case onBehalf = "TM."
        case deputy = "KT."
        case own = ""
    }

    /// The issuing body as printed at the top ("Ủy ban nhân dân tỉnh Lạng Sơn", "Sở Nội vụ tỉnh Lạng Sơn").
    public var issuer: String?
    public var capacity: Capacity
    /// "Chủ tịch", "Phó Chủ tịch", "Giám đốc"…
    public var title: String?
    public var name: String?

    public init(issuer: String? = nil, capacity: Capacity = .onBehalf, title: String? = nil, name: String? = nil) {
        self.issuer = issuer
        self.capacity = capacity
        self.title = title
        self.name = name
    }

    public var isEmpty: Bool { (issuer ?? "").isEmpty && (title ?? "").isEmpty && (name ?? "").isEmpty }
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

    /// Entry is closed: figures no longer change, so they can be shown to roles that must not
    /// see them move response by response.
    public var figuresAreFinal: Bool { self == .analysis || self == .published || self == .closed }

    /// The phase after this one (nil when closed).
    public var next: CampaignStatus? {
        let all = Self.allCases, i = all.firstIndex(of: self)!
        return i + 1 < all.count ? all[i + 1] : nil
    }

    /// The phase before this one (nil for a draft).
    public var previous: CampaignStatus? {
        let all = Self.allCases, i = all.firstIndex(of: self)!
        return i > 0 ? all[i - 1] : nil
    }

    public func isBefore(_ other: CampaignStatus) -> Bool {
        Self.allCases.firstIndex(of: self)! < Self.allCases.firstIndex(of: other)!
    }

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

/// A unit's target for a campaign: "trên 93%" (above) or "đạt 93%" (at least).
public struct Target: Sendable, Codable, Equatable {
    public enum Comparator: String, Sendable, Codable, CaseIterable {
        /// "trên": strictly above the value.
        case above = ">"
        /// "đạt": the value or more.
        case atLeast = ">="

        public var label: String { self == .above ? "trên" : "đạt" }
    }

    public var percent: Double
    public var comparator: Comparator

    public init(percent: Double, comparator: Comparator) {
        self.percent = percent
        self.comparator = comparator
    }

    public func isMet(by value: Double) -> Bool { comparator == .above ? value > percent : value >= percent }
}
