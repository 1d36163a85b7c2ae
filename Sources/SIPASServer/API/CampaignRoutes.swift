import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASStore

struct CampaignView: Encodable {
    let campaign: Campaign
    let statusLabel: String
    let questionnaire: String
    let units: [MeasuredUnitView]
    let phases: [CampaignRepository.PhaseDates]
    let history: [CampaignRepository.StatusChange]
    let responses: Int?
}

struct MeasuredUnitView: Encodable {
    let unit: AdminUnit
    let targetPercent: Double?
    let targetComparator: String?
    let targetText: String?
}

func registerCampaignRoutes(_ api: APIRoutes, _ platform: Platform) {
    api.add(.get, "/api/v1/campaigns", "Các kỳ đo lường trong phạm vi (campaigns)", tag: "campaigns", action: .readCampaigns,
            query: QueryParameter.paging, returns: APISchemas.page(of: "Campaign")) { request, context in
        let page = try Page(request)
        let items = try await platform.campaigns.list(by: context.user, limit: page.limit, offset: page.offset)
        return try JSONOutput.response(Paged(items: items, limit: page.limit, offset: page.offset))
    }

    api.add(.post, "/api/v1/campaigns", "Tạo kỳ đo lường (create a campaign)", tag: "campaigns", action: .manageCampaigns,
            request: APISchemas.newCampaign, responses: [201], returns: .ref("Campaign")) { request, context in
        let campaign = try await platform.campaigns.create(try await newCampaign(request), by: context.user)
        return try JSONOutput.response(campaign, status: .created)
    }

    api.add(.put, "/api/v1/campaigns/{id}", "Sửa kế hoạch của kỳ đo lường dự thảo chưa có phiếu (replace a draft's plan)", tag: "campaigns",
            action: .manageCampaigns, request: APISchemas.newCampaign, responses: [200, 409], returns: .ref("Campaign")) { request, context in
        let id = try intParameter(context, "id")
        return try JSONOutput.response(try await platform.campaigns.update(id, try await newCampaign(request), by: context.user))
    }

    api.add(.delete, "/api/v1/campaigns/{id}", "Xóa kỳ đo lường dự thảo chưa có phiếu (delete a draft nothing depends on)", tag: "campaigns",
            action: .manageCampaigns, responses: [204, 409]) { _, context in
        try await platform.campaigns.delete(try intParameter(context, "id"), by: context.user)
        return Response(status: .noContent)
    }

    api.add(.put, "/api/v1/campaigns/{id}/signature", "Cơ quan ban hành và người ký báo cáo (the report's issuer and signer)", tag: "campaigns",
            action: .manageCampaigns, request: APISchemas.signature, returns: .ref("Campaign")) { request, context in
        let body = try await JSONBody.read(request, schema: APISchemas.signature)
        return try JSONOutput.response(try await platform.campaigns.setSignature(try intParameter(context, "id"), try signature(body), by: context.user))
    }

    @Sendable func signature(_ body: JSONBody) throws -> ReportSignature {
        ReportSignature(issuer: try body.string("issuer", required: false),
                        capacity: try Campaigns.capacity(try body.string("signer_capacity", required: false)),
                        title: try body.string("signer_title", required: false), name: try body.string("signer_name", required: false))
    }

    @Sendable func newCampaign(_ request: Request) async throws -> Campaigns.NewCampaign {
        let body = try await JSONBody.read(request, schema: APISchemas.newCampaign)
        let code = try body.string("code")!, year = try body.integer("year")!, title = try body.string("title")!
        let legalBasis = try body.string("legal_basis", required: false) ?? "", questionnaireCode = try body.string("questionnaire_code")!
        let questionnaireVersion = try body.integer("questionnaire_version")!, owner = try body.integer("owner_unit_id", required: false)
        let floor = try body.integer("disclosure_min_n", required: false)
        let units = try body.objects("units", schema: APISchemas.measuredUnit, required: true).map { u in
            Campaigns.MeasuredUnitInput(unitId: try u.integer("unit_id")!, targetPercent: try u.number("target_percent", required: false),
                                        targetComparator: try u.string("target_comparator", required: false),
                                        targetText: try u.string("target_text", required: false))
        }
        let phases = try body.objects("phases", schema: APISchemas.phaseInput).map { p in
            Campaigns.PhaseInput(phase: try p.string("phase")!, startsOn: try p.string("starts_on")!, endsOn: try p.string("ends_on")!)
        }
        return .init(code: code, year: year, title: title, legalBasis: legalBasis, questionnaireCode: questionnaireCode,
                     questionnaireVersion: questionnaireVersion, ownerUnitId: owner, disclosureMinN: floor, units: units, phases: phases,
                     signature: try signature(body))
    }

    api.add(.get, "/api/v1/campaigns/{id}", "Kỳ đo lường: đơn vị, chỉ tiêu, giai đoạn, lịch sử trạng thái", tag: "campaigns", action: .readCampaigns,
            returns: .ref("CampaignDetail")) { _, context in
        let d = try await platform.campaigns.detail(try intParameter(context, "id"), by: context.user)
        return try JSONOutput.response(CampaignView(
            campaign: d.campaign, statusLabel: d.campaign.status.label, questionnaire: d.questionnaire,
            units: d.units.map { MeasuredUnitView(unit: $0.unit, targetPercent: $0.target.target?.percent,
                                                  targetComparator: $0.target.target?.comparator.rawValue, targetText: $0.target.targetText) },
            phases: d.phases, history: d.history, responses: d.responses))
    }

    api.add(.post, "/api/v1/campaigns/{id}/status", "Chuyển trạng thái kỳ đo lường một bước (move the campaign one phase)", tag: "campaigns",
            action: .manageCampaigns, request: APISchemas.statusChange, returns: .ref("Campaign")) { request, context in
        let body = try await JSONBody.read(request, schema: APISchemas.statusChange)
        return try JSONOutput.response(try await platform.campaigns.setStatus(try intParameter(context, "id"), to: try body.string("status")!,
                                                                              reason: try body.string("reason", required: false), by: context.user))
    }

    api.add(.get, "/api/v1/campaigns/{id}/focal-points", "Đầu mối của các đơn vị (focal points)", tag: "campaigns", action: .readFocalPoints,
            returns: .array(.ref("FocalPoint"))) { _, context in
        try JSONOutput.response(try await platform.campaigns.focalPoints(try intParameter(context, "id"), by: context.user))
    }

    api.add(.put, "/api/v1/campaigns/{id}/focal-points/{unit}", "Đặt đầu mối của một đơn vị (set a unit's focal point)", tag: "campaigns",
            action: .manageFocalPoints, request: APISchemas.focalPoint, returns: .ref("FocalPoint")) { request, context in
        let id = try intParameter(context, "id"), unit = try intParameter(context, "unit")
        let body = try await JSONBody.read(request, schema: APISchemas.focalPoint)
        let point = try await platform.campaigns.setFocalPoint(id, unit: unit, .init(
            name: try body.string("name")!, position: try body.string("position")!, phone: try body.string("phone")!,
            email: try body.string("email")!), by: context.user)
        return try JSONOutput.response(point)
    }
}
