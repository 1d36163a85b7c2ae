import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASFormats

func registerIndexRoutes(_ api: APIRoutes, _ platform: Platform) {
    api.add(.get, "/api/v1/campaigns/{id}/index",
            "Chỉ số của kỳ đo lường, dưới kiểm soát công bố cho tài khoản không được xem phiếu từng người (?by=unit|province|channel|một câu hỏi một lựa chọn, ?rollup, ?min_n, ?format)",
            tag: "index", action: .readIndex,
            query: [QueryParameter("by", .string(maxLength: 4 * 65, minLength: 0, pattern: "^$|^[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64}){0,3}$"), "comma-separated grouping columns (at most 4): unit, province, channel, a single-choice item (e.g. GENDER); campaign administrators may also use other columns of the responses"),
                    QueryParameter("rollup", .string(maxLength: 64, pattern: "^[A-Za-z0-9_.-]{1,64}$"), "the column whose groups are averaged with equal weight (unit or province)"),
                    QueryParameter("min_n", .integer(0...1_000_000), "groups and figures of fewer responses are withheld (default and floor: the campaign's disclosure_min_n)"),
                    QueryParameter("format", .string(enumeration: ["json", "csv"]), "default json")],
            responses: [200, 403], returns: .ref("CampaignIndex")) { request, context in
        let q = request.uri.queryParameters
        let by = q.get("by").map { $0.isEmpty ? [] : $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        let minN = try q.get("min_n").map { text -> Int in
            guard let n = Int(text), n >= 0 else { throw AppError.malformed("min_n phải là số nguyên không âm", field: "?min_n") }
            return n
        }
        let format = q.get("format") ?? "json"
        guard format == "json" || format == "csv" else { throw AppError.malformed("format phải là json hoặc csv", field: "?format") }
        let answer = try await platform.index.compute(campaign: try intParameter(context, "id"),
                                                      .init(by: by, rollup: q.get("rollup"), minN: minN), by: context.user)
        let result = answer.result
        if format == "csv" {
            let csv = try await Offload.run { IndexResultWriter.csv(result) }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        // The rows are written once by the result writer (the same JSON as `sipas index`) and
        // wrapped, not parsed and serialised again.
        let rows = try await Offload.run { IndexResultWriter.json(result) }
        let head = try JSONSerialization.data(withJSONObject: [
            "campaign": answer.campaign.id, "by": answer.by, "rollup": answer.rollup as Any? ?? NSNull(), "min_n": answer.minN,
            "responses": answer.responses, "low_n_suppressed": answer.disclosureControlled, "withheld_groups": answer.withheldGroups,
        ] as [String: Any], options: [.sortedKeys, .withoutEscapingSlashes])
        var body = ByteBuffer(bytes: head.dropLast())
        body.writeString(",\"rows\":")
        body.writeString(rows)
        body.writeString("}")
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }
}
