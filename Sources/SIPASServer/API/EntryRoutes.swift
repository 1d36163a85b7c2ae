import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

/// Paper forms keyed twice, their differences decided, and the keying's progress.
func registerEntryRoutes(_ api: APIRoutes, _ platform: Platform) {
    let base = "/api/v1/campaigns/{id}/entry"
    let keyRequest = APISchema.object([.property("code", .string(maxLength: 20)), .property("answers", .map(.string(maxLength: 4000)))], required: ["code", "answers"])
    let decideRequest = APISchema.object([.property("values", .map(.string(maxLength: 4000)))], required: ["values"])
    api.add(.post, base + "/keyings", "Nhập một phiếu giấy (lần 1 hoặc lần 2, hai người khác nhau); hai lần khớp thì phiếu được lưu (key a paper form)",
            tag: "entry", action: .keyForms, request: keyRequest, responses: [201], returns: .any) { request, context in
        let body = try await JSONBody.read(request, schema: keyRequest)
        let keyed = try await platform.doubleEntry.key(campaign: try intParameter(context, "id"), code: try body.string("code")!,
                                                       answers: try body.scalars("answers"), by: context.user)
        return try JSONOutput.raw(["code": keyed.code, "pass": keyed.pass, "status": keyed.status.rawValue, "differences": keyed.differences], status: .created)
    }
    api.add(.get, base + "/differences", "Các phiếu hai lần nhập khác nhau, từng câu khác nhau đặt cạnh nhau (differences)",
            tag: "entry", action: .manageFieldwork, returns: .any) { _, context in
        let pending = try await platform.doubleEntry.pending(campaign: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.raw(["items": pending.map { p -> [String: Any] in
            ["code": p.code, "keyers": p.keyers, "differences": p.differences.map { ["item": $0.item, "text": $0.text, "first": $0.first, "second": $0.second] }]
        }])
    }
    api.add(.post, base + "/differences/{code}", "Quyết định giá trị của từng câu khác nhau và lưu phiếu (decide)",
            tag: "entry", action: .manageFieldwork, request: decideRequest, responses: [204]) { request, context in
        let body = try await JSONBody.read(request, schema: decideRequest)
        try await platform.doubleEntry.adjudicate(campaign: try intParameter(context, "id"), code: context.parameters.get("code") ?? "",
                                                  values: try body.scalars("values"), by: context.user)
        return Response(status: .noContent)
    }
    api.add(.get, base + "/progress", "Phiếu đã nhận theo bưu điện và ngày (nhập một lần, hai lần, chờ quyết định, đã lưu), phiếu chưa nhập, tỷ lệ lỗi của người nhập (entry progress)",
            tag: "entry", action: .manageFieldwork, returns: .any) { _, context in
        let report = try await platform.entryProgress.report(campaign: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.raw([
            "batches": report.batches.map { b -> [String: Any] in
                ["post_office": b.postOffice, "day": b.day, "received": b.received, "keyed_once": b.keyedOnce, "differs": b.differs,
                 "verified": b.verified, "adjudicated": b.adjudicated, "elsewhere": b.elsewhere]
            },
            "keyers": report.keyers.map { k -> [String: Any] in
                ["username": k.username, "forms": k.forms, "fields": k.fields, "errors": k.errors, "error_rate": k.rate as Any? ?? NSNull()]
            },
            "outstanding": report.outstanding.map { ["post_office": $0.postOffice, "count": $0.count] as [String: Any] },
        ])
    }
}
