import Foundation
import Hummingbird
import SIPASCore
import SIPASStore

struct CampaignView: Encodable {
    let campaign: Campaign
    let statusLabel: String
    let questionnaire: String
    let units: [MeasuredUnitView]
    let phases: [CampaignRepository.PhaseDates]
    let history: [CampaignRepository.StatusChange]
    let responses: Int
}

struct MeasuredUnitView: Encodable {
    let unit: AdminUnit
    let targetPercent: Double?
    let targetText: String?
}

func registerCampaignRoutes(_ api: APIRoutes, _ services: Services) {
    api.add(.get, "/api/v1/campaigns", "Các kỳ đo lường trong phạm vi (campaigns)", tag: "campaigns", action: .readCampaigns,
            query: QueryParameter.paging, returns: APISchemas.page(of: "Campaign")) { request, context in
        let user = try context.require(.readCampaigns)
        let page = try Page(request)
        let scope = try await services.scope(of: user)
        let items = try await services.db.read { try await services.campaigns.list(scope: scope, limit: page.limit, offset: page.offset, on: $0) }
        return try JSONOutput.response(Paged(items: items, limit: page.limit, offset: page.offset))
    }

    api.add(.post, "/api/v1/campaigns", "Tạo kỳ đo lường (create a campaign)", tag: "campaigns", action: .manageCampaigns,
            request: APISchemas.newCampaign, responses: [201], returns: .ref("Campaign")) { request, context in
        let user = try context.require(.manageCampaigns)
        let body = try await JSONBody.read(request, schema: APISchemas.newCampaign)
        let code = try body.string("code", maxLength: 60)!
        let year = try body.integer("year")!
        guard (2000...2100).contains(year) else { throw Problem.badRequest("năm phải từ 2000 đến 2100 (year out of range)", field: "/year") }
        let title = try body.string("title", maxLength: 500)!
        let legalBasis = try body.string("legal_basis", required: false, maxLength: 4000) ?? ""
        let qCode = try body.string("questionnaire_code")!, qVersion = try body.integer("questionnaire_version")!
        let ownerId = try body.integer("owner_unit_id", required: !user.role.isNational)
        var owner: AdminUnit?
        if let ownerId {
            guard let found = try await services.units.find(id: ownerId) else { throw Problem.badRequest("không có đơn vị \(ownerId)", field: "/owner_unit_id") }
            try await services.requireInScope(user, unit: found)
            owner = found
        }
        var measured: [CampaignRepository.MeasuredUnit] = []
        for (i, u) in try body.objects("units", schema: APISchemas.measuredUnit, required: true).enumerated() {
            let id = try u.integer("unit_id")!
            guard let unit = try await services.units.find(id: id) else { throw Problem.badRequest("không có đơn vị \(id) (unknown unit)", field: "/units/\(i)/unit_id") }
            do { try await services.requireInScope(user, unit: unit) } catch { throw Problem(.forbidden, "forbidden", "đơn vị \(unit.name) ngoài phạm vi (out of scope)", field: "/units/\(i)/unit_id") }
            let target = try u.number("target_percent", required: false)
            if let target, !(0...100).contains(target) { throw Problem.badRequest("chỉ tiêu phải từ 0 đến 100", field: "/units/\(i)/target_percent") }
            if measured.contains(where: { $0.unitId == id }) { throw Problem.badRequest("đơn vị \(id) bị lặp", field: "/units/\(i)/unit_id") }
            measured.append(.init(unitId: id, targetPercent: target, targetText: try u.string("target_text", required: false, maxLength: 200)))
        }
        var phases: [CampaignRepository.PhaseDates] = []
        for (i, p) in try body.objects("phases", schema: APISchemas.phase).enumerated() {
            guard let phase = CampaignPhase(rawValue: try p.string("phase")!) else {
                throw Problem.badRequest("giai đoạn phải là một trong: \(CampaignPhase.allCases.map(\.rawValue).joined(separator: ", "))", field: "/phases/\(i)/phase")
            }
            let starts = try isoDate(p, "starts_on"), ends = try isoDate(p, "ends_on")
            if starts > ends { throw Problem.badRequest("ngày bắt đầu sau ngày kết thúc (starts after it ends)", field: "/phases/\(i)/ends_on") }
            if phases.contains(where: { $0.phase == phase }) { throw Problem.badRequest("giai đoạn \(phase.rawValue) bị lặp", field: "/phases/\(i)/phase") }
            phases.append(.init(phase: phase, startsOn: starts, endsOn: ends))
        }
        let (ownerUnit, measuredUnits, phaseDates) = (owner, measured, phases)
        let campaign: Campaign = try await services.db.transaction { sql in
            guard let questionnaire = try await services.questionnaires.find(code: qCode, version: qVersion, on: sql) else {
                throw Problem.badRequest("không có bảng hỏi \(qCode) phiên bản \(qVersion)", field: "/questionnaire_code")
            }
            if try await services.campaigns.find(code: code, on: sql) != nil {
                throw Problem.conflict("đã có kỳ đo lường mã \"\(code)\" (a campaign with this code exists)", field: "/code")
            }
            let campaign = try await services.campaigns.create(code: code, year: year, title: title, legalBasis: legalBasis,
                                                               questionnaireId: questionnaire.id, ownerUnitId: ownerUnit?.id,
                                                               units: measuredUnits, phases: phaseDates, userId: user.id, on: sql)
            try await services.record(user, "campaign.create", entity: "campaign", id: String(campaign.id),
                                      after: "\(code)|\(year)|\(qCode)@\(qVersion)|\(measuredUnits.count) units", on: sql)
            return campaign
        }
        return try JSONOutput.response(campaign, status: .created)
    }

    api.add(.get, "/api/v1/campaigns/{id}", "Kỳ đo lường: đơn vị, chỉ tiêu, giai đoạn, lịch sử trạng thái", tag: "campaigns", action: .readCampaigns,
            returns: .ref("CampaignDetail")) { _, context in
        let user = try context.require(.readCampaigns)
        let campaign = try await services.campaign(try campaignId(context), for: user)
        let view: CampaignView = try await services.db.read { sql in
            let q = try await services.questionnaires.find(id: campaign.questionnaireId, on: sql)
            return CampaignView(
                campaign: campaign, statusLabel: campaign.status.label,
                questionnaire: q.map { "\($0.questionnaire.id)@\($0.questionnaire.version)" } ?? "",
                units: try await services.campaigns.units(of: campaign.id, on: sql).map {
                    MeasuredUnitView(unit: $0.unit, targetPercent: $0.target.targetPercent, targetText: $0.target.targetText)
                },
                phases: try await services.campaigns.phases(of: campaign.id, on: sql),
                history: try await services.campaigns.history(of: campaign.id, on: sql),
                responses: try await services.responses.count(campaignId: campaign.id, on: sql))
        }
        return try JSONOutput.response(view)
    }

    api.add(.post, "/api/v1/campaigns/{id}/status", "Chuyển trạng thái kỳ đo lường một bước (move the campaign one phase)", tag: "campaigns",
            action: .manageCampaigns, request: APISchemas.statusChange, returns: .ref("Campaign")) { request, context in
        let user = try context.require(.manageCampaigns)
        let campaign = try await services.campaign(try campaignId(context), for: user)
        try await services.requireCampaignAdmin(user, campaign)
        let body = try await JSONBody.read(request, schema: APISchemas.statusChange)
        guard let next = CampaignStatus(rawValue: try body.string("status")!) else {
            throw Problem.badRequest("trạng thái phải là một trong: \(CampaignStatus.allCases.map(\.rawValue).joined(separator: ", "))", field: "/status")
        }
        guard campaign.status.canMove(to: next) else {
            throw Problem.conflict("không chuyển được từ \"\(campaign.status.rawValue)\" sang \"\(next.rawValue)\"; chỉ chuyển tới hoặc lùi một bước (only one step at a time)", field: "/status")
        }
        try await services.db.transaction { sql in
            try await services.campaigns.setStatus(campaign, to: next, userId: user.id, on: sql)
            try await services.record(user, "campaign.status", entity: "campaign", id: String(campaign.id),
                                      before: campaign.status.rawValue, after: next.rawValue, detail: "\(campaign.status.rawValue)→\(next.rawValue)", on: sql)
        }
        var updated = campaign
        updated.status = next
        return try JSONOutput.response(updated)
    }

    api.add(.get, "/api/v1/campaigns/{id}/focal-points", "Đầu mối của các đơn vị (focal points)", tag: "campaigns", action: .readFocalPoints,
            returns: .array(.ref("FocalPoint"))) { _, context in
        let user = try context.require(.readFocalPoints)
        let campaign = try await services.campaign(try campaignId(context), for: user)
        try await services.requireCampaignAdmin(user, campaign)
        return try JSONOutput.response(try await services.db.read { try await services.campaigns.focalPoints(campaignId: campaign.id, on: $0) })
    }

    api.add(.put, "/api/v1/campaigns/{id}/focal-points/{unit}", "Đặt đầu mối của một đơn vị (set a unit's focal point)", tag: "campaigns",
            action: .manageFocalPoints, request: APISchemas.focalPoint, returns: .ref("FocalPoint")) { request, context in
        let user = try context.require(.manageFocalPoints)
        let campaign = try await services.campaign(try campaignId(context), for: user)
        try await services.requireCampaignAdmin(user, campaign)
        guard let unitId = context.parameters.get("unit", as: Int.self) else { throw Problem.badRequest("mã đơn vị phải là số", field: "{unit}") }
        let body = try await JSONBody.read(request, schema: APISchemas.focalPoint)
        let name = try body.string("name", maxLength: 200)!, position = try body.string("position", maxLength: 200)!
        let phone = try body.string("phone", maxLength: 30)!, email = try body.string("email", maxLength: 200)!
        guard phone.allSatisfy({ $0.isNumber || " +.-()".contains($0) }), phone.filter(\.isNumber).count >= 8 else {
            throw Problem.badRequest("số điện thoại không hợp lệ (invalid phone)", field: "/phone")
        }
        guard email.contains("@"), email.split(separator: "@").count == 2 else { throw Problem.badRequest("email không hợp lệ (invalid e-mail)", field: "/email") }
        let point = try await services.db.transaction { sql in
            let measured = try await services.campaigns.units(of: campaign.id, on: sql)
            guard measured.contains(where: { $0.unit.id == unitId }) else {
                throw Problem.badRequest("đơn vị \(unitId) không thuộc kỳ đo lường này (unit not measured)", field: "{unit}")
            }
            let point = try await services.campaigns.setFocalPoint(campaignId: campaign.id, unitId: unitId, name: name, position: position,
                                                                   phone: phone, email: email, on: sql)
            // Personal data stays out of the log: digests only.
            try await services.record(user, "focal-point.set", entity: "campaign", id: "\(campaign.id)/\(unitId)",
                                      after: "\(name)|\(position)|\(phone)|\(email)", on: sql)
            return point
        }
        return try JSONOutput.response(point)
    }
}

func campaignId(_ context: AppRequestContext) throws -> Int {
    guard let id = context.parameters.get("id", as: Int.self) else { throw Problem.badRequest("mã kỳ đo lường phải là số (campaign id must be a number)", field: "{id}") }
    return id
}

func isoDate(_ body: JSONBody, _ key: String) throws -> String {
    let text = try body.string(key)!
    let parts = text.split(separator: "-")
    guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4,
          (1...12).contains(m), (1...31).contains(d), y > 1900 else {
        throw Problem.badRequest("ngày phải theo dạng YYYY-MM-DD (ISO 8601), ví dụ 2026-11-22", field: body.field(key))
    }
    return text
}
