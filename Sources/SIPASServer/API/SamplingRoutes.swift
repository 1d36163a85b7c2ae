import Foundation
import Hummingbird
import NIOCore
import SIPASApp
import SIPASCore
import SIPASStore

/// Frames, designs, draws, cases and the public verification (sampling-method.md).
func registerSamplingRoutes(_ api: APIRoutes, _ platform: Platform) {
    let base = "/api/v1/campaigns/{id}/sampling"
    api.add(.post, base + "/frame/upload",
            "Tải khung mẫu (CSV hoặc XLSX) lên để chọn cột: trả về các cột, vài dòng đầu và cách ghép cột đề xuất (upload a frame for mapping)",
            tag: "sampling", action: .manageCampaigns, body: "application/octet-stream",
            query: [QueryParameter("file_name", .string(maxLength: 200, minLength: 1), "the file's name; .xlsx for a workbook"),
                    QueryParameter("sheet", .string(maxLength: 100, minLength: 1), "a workbook's sheet, when several hold data")],
            returns: .any) { request, context in
        let path = try await UploadFile.receive(request.body, limit: platform.limits.importBytes)
        defer { unlink(path) }
        let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        let name = request.uri.queryParameters.get("file_name") ?? "khung-mau.csv"
        let preview = try await platform.samplingFrames.upload(campaign: try intParameter(context, "id"), fileName: name,
                                                                  sheet: request.uri.queryParameters.get("sheet"), bytes: bytes, by: context.user)
        return try JSONOutput.raw(SamplingJSON.preview(preview))
    }

    api.add(.post, base + "/frame/import",
            "Nhập khung mẫu đã tải lên theo cách ghép cột: kiểm tra mọi dòng, tất cả hoặc không (import the uploaded frame)",
            tag: "sampling", action: .manageCampaigns, request: SamplingJSON.importRequest, returns: .any) { request, context in
        try await platform.samplingFrames.requireWritable(campaign: try intParameter(context, "id"), by: context.user)
        let body = try await JSONBody.read(request, schema: SamplingJSON.importRequest)
        let summary = try await platform.samplingFrames.importFrame(
            campaign: try intParameter(context, "id"),
            .init(uploadId: try body.integer("upload_id")!, mapping: try body.scalars("mapping", lists: false),
                  windowFrom: try body.string("window_from", required: false), windowTo: try body.string("window_to", required: false)),
            by: context.user)
        return try JSONOutput.raw(SamplingJSON.summary(summary))
    }

    api.add(.get, base + "/frame", "Khung mẫu của kỳ: trạng thái, số dòng theo đơn vị, các nhóm hồ sơ trùng người (the frame)",
            tag: "sampling", action: .manageCampaigns, returns: .any) { _, context in
        try JSONOutput.raw(SamplingJSON.summary(try await platform.samplingFrames.summary(campaign: try intParameter(context, "id"), by: context.user)))
    }

    api.add(.post, base + "/frame/fix", "Chọn hồ sơ giữ lại của mỗi người có nhiều hồ sơ và chốt khung mẫu (fix the frame)",
            tag: "sampling", action: .manageCampaigns, request: SamplingJSON.fixRequest, returns: .any) { request, context in
        try await platform.samplingFrames.requireWritable(campaign: try intParameter(context, "id"), by: context.user)
        let body = try await JSONBody.read(request, schema: SamplingJSON.fixRequest)
        let summary = try await platform.samplingFrames.fix(campaign: try intParameter(context, "id"), rule: try body.string("rule")!,
                                                            seed: try body.string("seed", required: false), by: context.user)
        return try JSONOutput.raw(SamplingJSON.summary(summary))
    }

    api.add(.delete, base + "/frame", "Xóa các dòng và thông tin liên hệ của khung mẫu sau kỳ (purge the frame)",
            tag: "sampling", action: .manageCampaigns, responses: [204]) { _, context in
        try await platform.samplingFrames.purge(campaign: try intParameter(context, "id"), by: context.user)
        return Response(status: .noContent)
    }

    api.add(.get, base + "/design", "Thiết kế chọn mẫu (YAML) và các tệp địa bàn (the design)",
            tag: "sampling", action: .manageCampaigns, returns: .any) { _, context in
        let state = try await platform.samplingDesigns.state(campaign: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.raw(["document": state.document, "areas": state.areas.map { ["file_name": $0.fileName, "rows": $0.rows] as [String: Any] }])
    }

    api.add(.put, base + "/design", "Lưu thiết kế chọn mẫu, kèm các tệp địa bàn nếu có (save the design)",
            tag: "sampling", action: .manageCampaigns, request: SamplingJSON.designRequest, returns: .any) { request, context in
        try await platform.samplingFrames.requireWritable(campaign: try intParameter(context, "id"), by: context.user)
        let body = try await JSONBody.read(request, schema: SamplingJSON.designRequest, limit: SamplingDesigns.areasLimit + SamplingDesigns.documentLimit)
        let areaBodies = try body.objects("areas", schema: SamplingJSON.areasFile)
        let areas = try areaBodies.isEmpty && body.object["areas"] == nil ? nil : areaBodies.map { (try $0.string("file_name")!, try $0.string("content")!) }
        let state = try await platform.samplingDesigns.save(campaign: try intParameter(context, "id"), document: try body.string("document")!,
                                                            areas: areas, by: context.user)
        return try JSONOutput.raw(["document": state.document, "areas": state.areas.map { ["file_name": $0.fileName, "rows": $0.rows] as [String: Any] }])
    }

    api.add(.get, base + "/sizes", "Cỡ mẫu từng tầng trước khi rút (§3–§4), có tổng (sizes per stratum)",
            tag: "sampling", action: .manageCampaigns, returns: .any) { _, context in
        let sizes = try await platform.samplingDesigns.sizes(campaign: try intParameter(context, "id"), by: context.user)
        func row(_ r: SamplingDesigns.SizeRow) -> [String: Any] {
            ["stratum": r.stratum, "label": r.label, "population": r.population, "sample": r.sample, "reserves": r.reserves]
        }
        var out: [String: Any] = ["rows": sizes.rows.map(row), "total": row(sizes.total)]
        if let note = sizes.note { out["note"] = note }
        return try JSONOutput.raw(out)
    }

    api.add(.post, base + "/draws", "Rút mẫu (hạt giống do cán bộ nhập hoặc hệ thống tạo); rút lại cần lý do (draw)",
            tag: "sampling", action: .manageCampaigns, request: SamplingJSON.drawRequest, responses: [201], returns: .any) { request, context in
        try await platform.samplingFrames.requireWritable(campaign: try intParameter(context, "id"), by: context.user)
        let body = try await JSONBody.read(request, schema: SamplingJSON.drawRequest)
        let outcome = try await platform.samplingDraws.draw(campaign: try intParameter(context, "id"), seed: try body.string("seed", required: false),
                                                            reason: try body.string("reason", required: false), by: context.user)
        return try JSONOutput.raw(["number": outcome.draw.number, "seed": outcome.draw.seed, "sampled": outcome.sampled, "reserves": outcome.reserves,
                                   "frame_sha256": outcome.frameSHA256, "draw_sha256": outcome.drawSHA256], status: .created)
    }

    api.add(.get, base + "/draws", "Các lần rút mẫu của kỳ (draws)", tag: "sampling", action: nil, returns: .any,
            publicOnceReleased: true) { _, context in
        let draws = try await platform.samplingDraws.list(campaign: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.raw(draws.map(SamplingJSON.draw))
    }

    for file in SamplingDraws.File.allCases {
        api.add(.get, base + "/draws/{number}/" + file.fileName,
                "Tệp của một lần rút: \(file.fileName) (công khai khi kỳ được công bố) (a draw's file)",
                tag: "sampling", action: nil, returns: .any, publicOnceReleased: true,
                fileType: file == .record ? nil : "text/csv") { _, context in
            let text = try await platform.samplingDraws.file(file, campaign: try intParameter(context, "id"), number: try intParameter(context, "number"),
                                                             by: context.user)
            let type = file == .record ? "application/json; charset=utf-8" : "text/csv; charset=utf-8"
            return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(file.fileName)\""],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    api.add(.get, base + "/draws/{number}/areas/{stage}",
            "Tệp địa bàn của một giai đoạn (1, 2, …) của lần rút, đúng tệp đã dùng (công khai khi kỳ được công bố) (a draw's areas file)",
            tag: "sampling", action: nil, returns: .any, publicOnceReleased: true, fileType: "text/csv") { _, context in
        let file = try await platform.samplingDraws.areasFile(campaign: try intParameter(context, "id"), number: try intParameter(context, "number"),
                                                              stage: try intParameter(context, "stage"), by: context.user)
        let name = "dia-ban-\(try intParameter(context, "stage")).csv"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(string: file.content)))
    }

    api.add(.get, base + "/cases", "Các trường hợp (case) của lần rút cuối: mã, tầng, vai trò, xác suất, trọng số (cases)",
            tag: "sampling", action: .manageCampaigns, query: QueryParameter.paging, returns: .any) { request, context in
        let page = try Page(request)
        let cases = try await platform.samplingDraws.cases(campaign: try intParameter(context, "id"), limit: page.limit, offset: page.offset, by: context.user)
        return try JSONOutput.raw(["items": cases.map(SamplingJSON.caseRow), "limit": page.limit, "offset": page.offset])
    }

    api.add(.post, "/api/v1/sampling/verify",
            "Kiểm tra một lần rút: tính lại từ khung mẫu (hoặc phần dùng để rút), tệp địa bàn và biên bản; không lưu gì (verify a draw)",
            tag: "sampling", action: nil, request: SamplingJSON.verifyRequest, returns: .any) { request, context in
        let body = try await JSONBody.read(request, schema: SamplingJSON.verifyRequest, limit: SampleVerification.uploadLimit)
        func upload(_ key: String, _ name: String) throws -> SampleVerification.Upload {
            .init(fileName: name, bytes: Array((try body.string(key) ?? "").utf8))
        }
        let areas = try body.objects("areas", schema: SamplingJSON.areasFile).map {
            SampleVerification.Upload(fileName: try $0.string("file_name")!, bytes: Array(try $0.string("content")!.utf8))
        }
        switch try SampleVerification().verify(frame: try upload("frame", "khung-mau.csv"), areas: areas,
                                               record: try upload("record", "bien-ban.json"), draw: try upload("draw", "mau.csv")) {
        case .matches(let rows, let seed, let sha):
            return try JSONOutput.raw(["matches": true, "rows": rows, "seed": seed, "frame_sha256": sha, "message": "khớp"])
        case .differs(let message):
            return try JSONOutput.raw(["matches": false, "message": message])
        }
    }
}

/// JSON shapes of the sampling routes.
enum SamplingJSON {
    typealias S = APISchema
    static let importRequest = S.object([
        .property("upload_id", APISchemas.id), .property("mapping", .map(.string(maxLength: 200))),
        .property("window_from", .string(maxLength: 20)), .property("window_to", .string(maxLength: 20)),
    ], required: ["upload_id", "mapping"])
    static let fixRequest = S.object([.property("rule", .string(enumeration: ["first", "last", "random"])), .property("seed", .string(maxLength: 200))],
                                     required: ["rule"])
    static let areasFile = S.object([.property("file_name", .string(maxLength: 200)), .property("content", .string)], required: ["file_name", "content"])
    static let designRequest = S.object([.property("document", .string(maxLength: SamplingDesigns.documentLimit, multiline: true)), .property("areas", .array(areasFile))],
                                        required: ["document"])
    static let drawRequest = S.object([.property("seed", .string(maxLength: SamplingDraws.seedLimit)),
                                       .property("reason", .string(maxLength: SamplingDraws.reasonLimit))], required: [])
    static let verifyRequest = S.object([.property("frame", .string), .property("record", .string), .property("draw", .string),
                                         .property("areas", .array(areasFile))], required: ["frame", "record", "draw"])

    static func preview(_ p: SamplingFrames.Preview) -> [String: Any] {
        ["upload_id": p.uploadId, "file_name": p.fileName, "header": p.header, "rows": p.rows, "total_rows": p.totalRows,
         "suggested_mapping": Dictionary(uniqueKeysWithValues: p.suggested.columns.map { ($0.key.rawValue, $0.value) }),
         "window_from": p.window.from, "window_to": p.window.to]
    }

    static func summary(_ s: SamplingFrames.Summary) -> [String: Any] {
        var out: [String: Any] = ["per_unit": s.perUnit.map { ["unit_id": $0.unit.id, "code": $0.unit.code, "name": $0.unit.name, "rows": $0.rows] as [String: Any] },
                                  "duplicates": s.duplicates.map { $0.map { ["line": $0.line, "key": $0.key, "kept": $0.kept] as [String: Any] } }]
        if let f = s.frame {
            out["frame"] = ["id": f.id, "file_name": f.fileName, "rows": f.rows, "status": f.status, "duplicate_groups": f.duplicateGroups,
                            "kept_rows": f.keptRows as Any, "window_from": f.windowFrom, "window_to": f.windowTo,
                            "mapping": Dictionary(uniqueKeysWithValues: f.mapping.columns.map { ($0.key.rawValue, $0.value) })] as [String: Any]
        }
        return out
    }

    static func draw(_ d: SamplingRepository.Draw) -> [String: Any] {
        var out: [String: Any] = ["number": d.number, "seed": d.seed, "final": d.isFinal, "drawn_at": d.drawnAt]
        if let reason = d.reason { out["reason"] = reason }
        return out
    }

    static func caseRow(_ c: SamplingRepository.CaseRow) -> [String: Any] {
        var out: [String: Any] = ["code": c.code, "unit_id": c.unitId, "stratum": c.stratum, "role": c.role, "order": c.order, "pi": c.pi,
                                  "design_weight": c.designWeight, "status": c.status, "first_stratum": c.firstStratum]
        if let psu = c.psu { out["psu"] = psu }
        return out
    }
}
