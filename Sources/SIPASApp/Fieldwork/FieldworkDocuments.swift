import Foundation
import SIPASCore
import SIPASStore

/// What the fieldwork prints besides the bảng kê: a questionnaire per case (its code and QR
/// code, its commune, the return instructions — never the respondent's name: the form stays
/// anonymous), and the list of respondents paid a small amount against their signature.
public struct FieldworkDocuments: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public struct Questionnaires: Sendable {
        public var campaign: Campaign
        public var questionnaire: Questionnaire
        /// (case code, commune name) per form, in the bảng kê's order.
        public var forms: [(code: String, unit: String)]
    }

    /// The questionnaires of an enumerator's cases still to deliver (all of them with `all`).
    public func questionnaires(campaign id: Int, enumerator: Int, all: Bool = false, by user: User?) async throws -> Questionnaires {
        // No name on a questionnaire: the contacts are not opened (nor their reading recorded).
        let listing = try await FieldworkCases(platform).listing(campaign: id, enumerator: enumerator, withContacts: false, by: user)
        let questionnaire = try await platform.questionnaire(of: listing.campaign).questionnaire
        let lines = listing.lines.filter { all || $0.fieldCase.disposition == .assigned || $0.fieldCase.disposition == .delivered }
        return Questionnaires(campaign: listing.campaign, questionnaire: questionnaire, forms: lines.map { ($0.fieldCase.code, $0.unit?.name ?? "") })
    }

    public struct Payments: Sendable {
        public var campaign: Campaign
        public var enumerator: User
        public var postOffice: String
        /// Collected cases: code, respondent, address, commune.
        public var rows: [(code: String, name: String, address: String, unit: String)]
        public var amount: Int
        public var total: Int { amount * rows.count }
    }

    public static let amountLimit = 10_000_000

    /// The respondents of an enumerator's collected cases, each paid `amount` đồng.
    public func payments(campaign id: Int, enumerator: Int, amount: Int, by user: User?) async throws -> Payments {
        guard amount > 0 && amount <= Self.amountLimit else {
            throw AppError.invalid("số tiền hỗ trợ mỗi người từ 1 đến \(Self.amountLimit) đồng (amount out of range)", field: "amount")
        }
        let listing = try await FieldworkCases(platform).listing(campaign: id, enumerator: enumerator, by: user)
        let rows = listing.lines.filter { $0.fieldCase.disposition == .collected }.map {
            ($0.fieldCase.code, $0.contact["name"] ?? "", $0.contact["address"] ?? "", $0.unit?.name ?? "")
        }
        return Payments(campaign: listing.campaign, enumerator: listing.enumerator, postOffice: listing.postOffice, rows: rows, amount: amount)
    }
}
