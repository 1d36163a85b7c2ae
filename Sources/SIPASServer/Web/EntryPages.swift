import Foundation
import SIPASApp
import SIPASCore
import SIPASFormats
import SIPASReports
import SIPASStore

/// The keying screen: the case code first, then each answer as coded on paper, one key for a
/// coded answer; skips of `relevant` conditions followed as the clerk types (a small script over
/// conditions the server writes out), every rule checked again by the server.
struct EntryPage: Sendable {
    struct Field: Sendable {
        var code: String; var label: String; var id: String; var name: String; var value: String; var problem: String?
        var maxLength: Int?; var numeric: Bool; var hint: String; var codes: String; var relevant: String?; var multiline: Bool
    }
    struct BatchLine: Sendable { var postOffice: String; var day: String; var received: String; var once: String; var differs: String; var verified: String; var adjudicated: String; var elsewhere: String }
    struct KeyerLine: Sendable { var username: String; var forms: String; var fields: String; var errors: String; var rate: String }
    struct Outstanding: Sendable { var postOffice: String; var count: String }

    var chrome: Chrome
    var campaign: CampaignLine
    var notice: String?
    var error: String?
    var problems: [ErrorPage.Item] = []
    var code: String = ""
    var codeError: String?
    var fields: [Field]
    var open: Bool
    var isAdmin: Bool
    var pending: String?
    var batches: [BatchLine] = []
    var keyers: [KeyerLine] = []
    var outstanding: [Outstanding] = []

    static func make(_ platform: Platform, campaign id: Int, user: User, csrf: String?, notice: String?, values: [String: String] = [:]) async throws -> EntryPage {
        guard AccessPolicy.allows(user.role, .keyForms) else { throw AppError.forbidden("chỉ người nhập liệu và người quản trị kỳ nhập phiếu (data entry only)") }
        let campaign = try await platform.campaigns.campaign(id, by: user)
        let q = try await platform.doubleEntry.questionnaire(campaign: id, by: user)
        var page = EntryPage(chrome: Chrome(title: "Nhập phiếu giấy — \(campaign.code)", user: user, csrf: csrf, section: "campaigns"), campaign: CampaignLine(campaign),
                             notice: notice, fields: q.items.map { Self.field($0, q, value: values[$0.code] ?? "") },
                             open: campaign.status == .fieldwork || campaign.status == .entry, isAdmin: user.role == .systemAdmin || user.role == .provinceAdmin)
        if page.isAdmin, let report = try? await platform.entryProgress.report(campaign: id, by: user) {
            page.batches = report.batches.map {
                BatchLine(postOffice: $0.postOffice, day: VietnameseFormat.date($0.day), received: VietnameseFormat.count($0.received), once: VietnameseFormat.count($0.keyedOnce),
                          differs: VietnameseFormat.count($0.differs), verified: VietnameseFormat.count($0.verified), adjudicated: VietnameseFormat.count($0.adjudicated),
                          elsewhere: VietnameseFormat.count($0.elsewhere))
            }
            page.keyers = report.keyers.map {
                KeyerLine(username: $0.username, forms: VietnameseFormat.count($0.forms), fields: VietnameseFormat.count($0.fields), errors: VietnameseFormat.count($0.errors),
                          rate: $0.rate.map { VietnameseFormat.percent($0 * 100) } ?? "—")
            }
            page.outstanding = report.outstanding.map { Outstanding(postOffice: $0.postOffice, count: VietnameseFormat.count($0.count)) }
            let differing = report.batches.reduce(0) { $0 + $1.differs }
            page.pending = differing > 0 ? VietnameseFormat.count(differing) : nil
        }
        return page
    }

    static func field(_ item: Item, _ q: Questionnaire, value: String) -> Field {
        var codes: [Int] = []
        switch item.type {
        case .likert: codes = q.scale(item.scale ?? "").map { Array($0.answerCodes).sorted() } ?? []
        case .single, .multi: codes = (item.options ?? []).map(\.code).sorted()
        default: break
        }
        let oneKey = (item.type == .likert || item.type == .single) && !codes.isEmpty && codes.allSatisfy { $0 >= 0 && $0 <= 9 }
        let hint: String
        switch item.type {
        case .likert, .single: hint = "mã " + codes.map(String.init).joined(separator: ", ")
        case .multi: hint = "các mã cách nhau bởi ; (" + codes.map(String.init).joined(separator: ", ") + ")"
        case .number: hint = "số"
        case .date: hint = "ngày yyyy-mm-dd"
        case .text: hint = "chữ"
        }
        let relevant = item.relevant.flatMap { try? RelevanceParser.parse($0) }.map(RelevanceJSON.encode)
        return Field(code: item.code, label: item.text, id: "a-" + item.code.replacingOccurrences(of: ".", with: "-"), name: "a." + item.code, value: value,
                     maxLength: oneKey ? 1 : nil, numeric: item.type != .text && item.type != .date, hint: hint,
                     codes: codes.map(String.init).joined(separator: " "), relevant: relevant, multiline: item.type == .text)
    }
}

/// A `relevant` condition as JSON for the keying screen's script: ["or", a, b], ["and", a, b],
/// ["not", a], or [operator, left, right] with an item as {"item": code} and a number as itself.
enum RelevanceJSON {
    static func encode(_ e: RelevanceExpression) -> String {
        switch e {
        case let .or(a, b): return "[\"or\",\(encode(a)),\(encode(b))]"
        case let .and(a, b): return "[\"and\",\(encode(a)),\(encode(b))]"
        case let .not(a): return "[\"not\",\(encode(a))]"
        case let .comparison(l, op, r): return "[\"\(op.rawValue)\",\(operand(l)),\(operand(r))]"
        }
    }

    private static func operand(_ o: RelevanceExpression.Operand) -> String {
        switch o {
        case let .item(code): return "{\"item\":" + DocumentWriter.quoted(code) + "}"
        case let .number(n): return DecimalText.plain(n)
        }
    }
}

/// A form whose two keyings differ, field by field, for the supervisor to decide.
struct DifferencesPage: Sendable {
    struct Choice: Sendable { var value: String; var label: String; var id: String }
    struct Line: Sendable { var item: String; var text: String; var first: String; var second: String; var name: String; var choices: [Choice]; var otherId: String; var otherName: String }
    struct Form: Sendable { var code: String; var keyers: String; var lines: [Line] }

    var chrome: Chrome
    var campaign: CampaignLine
    var notice: String?
    var error: String?
    var forms: [Form]

    static func make(_ platform: Platform, campaign id: Int, user: User, csrf: String?, notice: String?) async throws -> DifferencesPage {
        let pending = try await platform.doubleEntry.pending(campaign: id, by: user)
        let campaign = try await platform.campaigns.campaign(id, by: user)
        return DifferencesPage(chrome: Chrome(title: "Phiếu nhập khác nhau — \(campaign.code)", user: user, csrf: csrf, section: "campaigns"),
                               campaign: CampaignLine(campaign), notice: notice, forms: pending.map { p in
            Form(code: p.code, keyers: p.keyers.joined(separator: " và "), lines: p.differences.map { d in
                let base = "v-\(p.code)-\(d.item)".replacingOccurrences(of: ".", with: "-")
                var choices = [Choice(value: d.first, label: "Lần 1: " + (d.first.isEmpty ? "(trống)" : d.first), id: base + "-1")]
                if d.second != d.first { choices.append(Choice(value: d.second, label: "Lần 2: " + (d.second.isEmpty ? "(trống)" : d.second), id: base + "-2")) }
                // Names carry the form's code: radios of one name must be one group on the page.
                return Line(item: d.item, text: d.text, first: d.first, second: d.second, name: "v.\(p.code)~\(d.item)", choices: choices, otherId: base + "-o",
                            otherName: "o.\(p.code)~\(d.item)")
            })
        })
    }
}
