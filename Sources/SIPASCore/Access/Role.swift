/// The roles of the platform's users. Scope (a unit's subtree) narrows every role but the
/// national ones.
public enum Role: String, CaseIterable, Sendable, Codable {
    /// Runs the installation: users, every campaign, the audit log.
    case systemAdmin = "system-admin"
    /// Ministry analyst: reads everything, computes indices; no individual responses.
    case ministryAnalyst = "ministry-analyst"
    /// Department of Home Affairs: administers campaigns in its province's subtree.
    case provinceAdmin = "province-admin"
    /// A measured unit: aggregates of its own subtree only, low-n figures suppressed.
    case unitViewer = "unit-viewer"
    /// Post-office enumerator: submits responses in scope.
    case enumerator
    /// Data-entry clerk: submits and imports responses in scope; keys paper forms.
    case dataEntryClerk = "data-entry-clerk"
    /// A post office's supervisor: its enumerators' cases, dispositions and progress.
    case fieldSupervisor = "field-supervisor"

    public var label: String {
        switch self {
        case .systemAdmin: return "Quản trị hệ thống"
        case .ministryAnalyst: return "Chuyên viên phân tích (Bộ Nội vụ)"
        case .provinceAdmin: return "Quản trị cấp tỉnh (Sở Nội vụ)"
        case .unitViewer: return "Đơn vị được đo lường (chỉ xem tổng hợp)"
        case .enumerator: return "Điều tra viên"
        case .dataEntryClerk: return "Nhập liệu"
        case .fieldSupervisor: return "Giám sát điều tra (bưu điện)"
        }
    }

    /// Roles whose reach is the whole country; the others need a scope unit.
    public var isNational: Bool { self == .systemAdmin || self == .ministryAnalyst }
}

/// What a request wants to do. Every route names one; `AccessPolicy` decides.
public enum Action: String, CaseIterable, Sendable {
    case readUnits, manageAgencies
    case manageUsers, readAudit
    case readCampaigns, manageCampaigns, manageFocalPoints, readFocalPoints
    case readQuestionnaires, manageQuestionnaires
    case submitResponses, importResponses, readResponses
    case readIndex
    /// Post offices, assignments, re-checks, adjudication of double entry: a campaign's administrators.
    case manageFieldwork
    /// Cases and their dispositions: enumerators (their own), supervisors (their post office's), administrators.
    case recordDispositions
    /// Progress of the fieldwork.
    case readFieldwork
    /// Keying paper forms.
    case keyForms
}

/// The allowed/denied matrix of roles × actions, before scope: whether a role may take an action
/// at all. Scope (the unit subtree) is checked separately against the target.
public enum AccessPolicy {
    public static func allows(_ role: Role, _ action: Action) -> Bool {
        switch action {
        case .readUnits, .readCampaigns, .readQuestionnaires:
            return true
        case .readIndex:
            return role != .enumerator && role != .dataEntryClerk && role != .fieldSupervisor
        case .manageFieldwork:
            return role == .systemAdmin || role == .provinceAdmin
        case .recordDispositions:
            return role == .systemAdmin || role == .provinceAdmin || role == .fieldSupervisor || role == .enumerator
        case .readFieldwork:
            return role == .systemAdmin || role == .provinceAdmin || role == .fieldSupervisor || role == .ministryAnalyst
        case .keyForms:
            return role == .systemAdmin || role == .provinceAdmin || role == .dataEntryClerk
        case .manageAgencies, .manageCampaigns, .manageFocalPoints, .readFocalPoints:
            return role == .systemAdmin || role == .provinceAdmin
        case .manageQuestionnaires:
            return role == .systemAdmin || role == .provinceAdmin
        case .manageUsers, .readAudit:
            return role == .systemAdmin
        case .submitResponses:
            return role == .systemAdmin || role == .provinceAdmin || role == .enumerator || role == .dataEntryClerk
        case .importResponses:
            return role == .systemAdmin || role == .provinceAdmin || role == .dataEntryClerk
        case .readResponses:
            // Individual responses: a campaign's administrators only (scope checked per campaign).
            return role == .systemAdmin || role == .provinceAdmin
        }
    }

    /// Unit viewers see aggregates with low-n figures suppressed.
    public static func suppressesLowN(_ role: Role) -> Bool { role == .unitViewer }
}
