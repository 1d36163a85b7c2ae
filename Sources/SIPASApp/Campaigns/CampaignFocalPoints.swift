import SIPASCore
import SIPASStore

/// Focal points (đầu mối): the person each measured unit names to help the enumerators.
extension Campaigns {
    public func focalPoints(_ id: Int, by user: User?) async throws -> [CampaignRepository.FocalPoint] {
        let user = try platform.require(user, .readFocalPoints)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        return try await platform.read { sql in try await campaigns.focalPoints(campaignId: campaign.id, on: sql) }
    }

    public struct FocalPointInput: Sendable {
        public var name: String
        public var position: String
        public var phone: String
        public var email: String
        public init(name: String, position: String, phone: String, email: String) {
            self.name = name
            self.position = position
            self.phone = phone
            self.email = email
        }
    }

    public static let personTextLimit = 200
    public static let phoneLimit = 30

    /// Sets (replaces) the focal point of a measured unit. Names and contacts are personal data:
    /// the audit log keeps only their digest.
    public func setFocalPoint(_ id: Int, unit unitId: Int, _ input: FocalPointInput, by user: User?) async throws -> CampaignRepository.FocalPoint {
        let user = try platform.require(user, .manageFocalPoints)
        let campaign = try await platform.visibleCampaign(id, for: user)
        try await platform.requireCampaignAdmin(user, campaign)
        let name = try clean(input.name, Self.personTextLimit, field: "/name", label: "họ tên")
        let position = try clean(input.position, Self.personTextLimit, field: "/position", label: "chức vụ")
        let phone = try clean(input.phone, Self.phoneLimit, field: "/phone", label: "số điện thoại")
        let email = try clean(input.email, Self.personTextLimit, field: "/email", label: "email")
        guard phone.allSatisfy({ $0.isASCII && ($0.isNumber || " +.-()".contains($0)) }), phone.filter(\.isNumber).count >= 8 else {
            throw AppError.invalid("số điện thoại không hợp lệ: ít nhất 8 chữ số, chỉ dùng số, dấu cách và + . - ( ) (invalid phone)", field: "/phone")
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" ") else {
            throw AppError.invalid("email không hợp lệ, ví dụ ten@donvi.gov.vn (invalid e-mail)", field: "/email")
        }
        return try await platform.transaction { sql in
            let measured = try await campaigns.units(of: campaign.id, on: sql)
            guard measured.contains(where: { $0.unit.id == unitId }) else {
                throw AppError.invalid("đơn vị \(unitId) không thuộc kỳ đo lường này (unit not measured)", field: "{unit}")
            }
            let point = try await campaigns.setFocalPoint(campaignId: campaign.id, unitId: unitId, name: name, position: position,
                                                          phone: phone, email: email, on: sql)
            // The digest is keyed: it proves the contact details unchanged without revealing them.
            try await platform.recordState(user, .campaign, id: String(campaign.id), action: "focal-point.set", detail: "unit \(unitId)", on: sql)
            return point
        }
    }
}
