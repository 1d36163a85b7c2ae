import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASFormats

/// The dashboards' figures (`dashboard-measures.md`) as JSON, and as CSV with full precision:
/// the same use case the screens lay out.
func registerDashboardRoutes(_ api: APIRoutes, _ platform: Platform) {
    let format = QueryParameter("format", .string(enumeration: ["json", "csv"]), "default json")
    let unit = QueryParameter("unit", .string(maxLength: 20, minLength: 0, pattern: "^$|^[A-Za-z0-9_.-]{1,20}$"), "a measured unit's code; empty or absent: the whole campaign")
    api.add(.get, "/api/v1/campaigns/{id}/dashboard/priorities",
            "Tiêu chí nên cải thiện trước: điểm chỉ số tăng thêm nếu tiêu chí đạt 100% (improvement priorities, dashboard-measures §1)",
            tag: "dashboards", action: .readIndex, query: [unit, format], responses: [200, 403], returns: .ref("DashboardPriorities")) { request, context in
        let overview = try await platform.dashboards.overview(campaign: try intParameter(context, "id"), unitCode: try textQuery(request, "unit"), by: context.user)
        let rows = overview.priorities.map { p -> [String: Any] in
            ["index": p.index, "item": p.item, "weight": p.weight, "estimate": p.estimate ?? NSNull(), "se": p.se ?? NSNull(),
             "n": p.n, "low_n": p.lowN, "gain": p.gain ?? NSNull(), "gain_se": p.gainSE ?? NSNull()]
        }
        return try reply(request, ["campaign": overview.context.campaign.id, "unit": overview.unit?.unit.code ?? NSNull(), "rows": rows],
                         columns: ["index", "item", "weight", "estimate", "se", "n", "low_n", "gain", "gain_se"])
    }
    api.add(.get, "/api/v1/campaigns/{id}/dashboard/wishes",
            "Mong muốn của người dân: tỷ lệ chọn từng lựa chọn, với khoảng tin cậy (wishes, dashboard-measures §1)",
            tag: "dashboards", action: .readIndex, query: [unit, format], responses: [200, 403], returns: .ref("DashboardWishes")) { request, context in
        let wishes = try await platform.dashboards.wishes(campaign: try intParameter(context, "id"), unitCode: try textQuery(request, "unit"), by: context.user)
        let rows = wishes.questions.flatMap { question in
            question.shares.map { share -> [String: Any] in
                let r = share.row
                return ["item": question.itemCode, "option": share.entry.optionCode ?? NSNull(), "n": r?.n ?? NSNull(),
                        "share": r?.estimate ?? NSNull(), "se": r?.se ?? NSNull(), "ci_low": r?.ciLow ?? NSNull(), "ci_high": r?.ciHigh ?? NSNull(),
                        "low_n": r?.lowN ?? NSNull()]
            }
        }
        return try reply(request, ["campaign": wishes.context.campaign.id, "unit": wishes.unit?.unit.code ?? NSNull(), "rows": rows],
                         columns: ["item", "option", "n", "share", "se", "ci_low", "ci_high", "low_n"])
    }
    api.add(.get, "/api/v1/campaigns/{id}/dashboard/ranking",
            "Xếp hạng đơn vị với khoảng thứ hạng, so với cả kỳ và với mục tiêu (ranking with rank ranges, dashboard-measures §2–3)",
            tag: "dashboards", action: .readIndex,
            query: [QueryParameter("node", .string(maxLength: 64, minLength: 0, pattern: "^$|^[A-Za-z0-9_.-]{1,64}$"), "the node ranked on; empty or absent: the index"), format],
            responses: [200, 403], returns: .ref("DashboardRanking")) { request, context in
        let ranking = try await platform.dashboards.ranking(campaign: try intParameter(context, "id"), node: try textQuery(request, "node"), by: context.user)
        let rows = ranking.rows.map { row -> [String: Any] in
            let e = row.entry
            return ["unit": row.code, "n": row.n, "estimate": e.estimate ?? NSNull(), "ci_low": e.low ?? NSNull(), "ci_high": e.high ?? NSNull(),
                    "low_n": e.lowN, "rank": e.rank ?? NSNull(), "best_rank": e.bestRank ?? NSNull(), "worst_rank": e.worstRank ?? NSNull(),
                    "standing": row.standing.rawValue, "target_percent": row.unit?.target?.percent ?? NSNull(),
                    "target_comparator": row.unit?.target?.comparator.rawValue ?? NSNull(),
                    "target_outcome": row.targetStanding?.outcome.rawValue ?? NSNull(), "target_distance": row.targetStanding?.distance ?? NSNull()]
        }
        return try reply(request, ["campaign": ranking.context.campaign.id, "node": ranking.node, "reference": ranking.reference ?? NSNull(),
                                   "withheld_units": ranking.withheld, "rows": rows],
                         columns: ["unit", "n", "estimate", "ci_low", "ci_high", "low_n", "rank", "best_rank", "worst_rank", "standing",
                                   "target_percent", "target_comparator", "target_outcome", "target_distance"])
    }
    api.add(.get, "/api/v1/campaigns/{id}/dashboard/change",
            "Thay đổi so với một kỳ trước, kể cả qua sắp xếp đơn vị hành chính 01/07/2025 (change, dashboard-measures §4–5)",
            tag: "dashboards", action: .readIndex,
            query: [QueryParameter("since", .integer(1...Int(Int32.max)), "the earlier campaign's id; default: the latest earlier campaign the account sees"), format],
            responses: [200, 403], returns: .ref("DashboardChange")) { request, context in
        let id = try intParameter(context, "id")
        var since = try request.uri.queryParameters.get("since").map { text -> Int in
            guard let n = Int(text), n > 0 else { throw AppError.malformed("since phải là mã số kỳ đo lường", field: "?since") }
            return n
        }
        if since == nil { since = try await platform.dashboards.earlierCampaigns(than: id, by: context.user).first?.id }
        guard let since else {
            throw AppError.invalid("chưa có kỳ đo lường nào trước kỳ này để so sánh (no earlier campaign)", field: "?since")
        }
        let change = try await platform.dashboards.change(campaign: id, since: since, by: context.user)
        func row(_ r: Dashboards.ChangeRow) -> [String: Any] {
            ["unit": r.code, "index": r.index, "node": r.node, "earlier": r.earlier?.estimate ?? NSNull(), "earlier_se": r.earlier?.se ?? NSNull(),
             "later": r.later?.estimate ?? NSNull(), "later_se": r.later?.se ?? NSNull(), "delta": r.change?.delta ?? NSNull(),
             "se": r.change?.se ?? NSNull(), "ci_low": r.change?.low ?? NSNull(), "ci_high": r.change?.high ?? NSNull(),
             "direction": r.change?.direction.rawValue ?? NSNull()]
        }
        return try reply(request, ["campaign": change.later.campaign.id, "since": change.earlier.campaign.id, "reestimated": change.reestimated,
                                   "left_out": change.leftOut.map { $0 as Any } ?? NSNull(), "same_questionnaire": change.sameQuestionnaire,
                                   "rows": change.nodes.map(row) + change.units.map(row)],
                         columns: ["unit", "index", "node", "earlier", "earlier_se", "later", "later_se", "delta", "se", "ci_low", "ci_high", "direction"])
    }
}

private func textQuery(_ request: Request, _ name: String) throws -> String? {
    guard let text = request.uri.queryParameters.get(name), !text.isEmpty else { return nil }
    guard text.count <= 64, text.range(of: "^[A-Za-z0-9_.-]+$", options: .regularExpression) != nil else {
        throw AppError.malformed("\(name) chỉ gồm chữ, số, dấu chấm, gạch (a code)", field: "?\(name)")
    }
    return text
}

/// JSON, or the rows as CSV (`.` decimals, full precision) with `?format=csv`.
private func reply(_ request: Request, _ object: [String: Any], columns: [String]) throws -> Response {
    let format = request.uri.queryParameters.get("format") ?? "json"
    guard format == "json" || format == "csv" else { throw AppError.malformed("format phải là json hoặc csv", field: "?format") }
    guard format == "csv" else {
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: JSONText.encode(object))))
    }
    var lines = [CSVLine.encode(columns)]
    for row in object["rows"] as? [[String: Any]] ?? [] {
        lines.append(CSVLine.encode(columns.map { column -> String in
            switch row[column] {
            case let d as Double: return DecimalText.plain(d)
            case let b as Bool: return b ? "true" : "false"
            case let i as Int: return String(i)
            case let s as String: return CSVLine.spreadsheetText(s)
            default: return ""
            }
        }))
    }
    return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n") + "\n")))
}
