import Foundation
import Hummingbird
import SIPASApp
import SIPASReports
import SIPASCore
import SIPASFormats
import SIPASStore

/// Sampling in the browser, in the order an official works: the frame (upload, map its columns,
/// decide same-person dossiers), the design with the sizes it gives, the draw, the hand-over; and
/// the public page where anyone re-runs a draw.
extension WebScreens {
    func registerSamplingScreens() {
        page("/campaigns/{id}/sampling") { request, context, user in
            templates.page("sampling", try await SamplingPage.make(platform, campaign: try Self.id(context), user: user, csrf: context.csrfToken,
                                                                   message: Self.query(request, "message")))
        }
        router.post("/campaigns/{id}/sampling/frame") { request, context in
            guard let user = context.user, context.tokenKind == .session else { return Self.toSignIn(request) }
            return try await rendering(request, context) {
                let id = try Self.id(context)
                try platform.authorize(user, .manageCampaigns)
                let upload = try await MultipartUpload.receive(request, limit: platform.limits.importBytes)
                defer { upload.removeFiles() }
                try WebForm.checkToken(upload.fields["_csrf"], context: context)
                guard let path = upload.filePath, let bytes = FileManager.default.contents(atPath: path) else {
                    var page = try await SamplingPage.make(platform, campaign: id, user: user, csrf: context.csrfToken, message: nil)
                    page.frameError = "Hãy chọn tệp danh sách hồ sơ (CSV hoặc Excel .xlsx)."
                    return templates.page("sampling", page, status: .unprocessableContent)
                }
                do {
                    let preview = try await platform.samplingFrames.upload(campaign: id, fileName: upload.fileName ?? "khung-mau.csv",
                                                                            sheet: upload.fields["sheet"], bytes: [UInt8](bytes), by: user)
                    return templates.page("sampling-mapping", try await MappingPage.make(platform, campaign: id, preview: preview, user: user, csrf: context.csrfToken))
                } catch let error as AppError where [.invalid, .invalidContent, .tooLarge].contains(error.kind) {
                    var page = try await SamplingPage.make(platform, campaign: id, user: user, csrf: context.csrfToken, message: nil)
                    page.frameError = WebMessage.vietnamese(error.message)
                    page.frameProblems = error.items.map(ErrorPage.Item.init)
                    return templates.page("sampling", page, status: error.status)
                }
            }
        }
        form("/campaigns/{id}/sampling/frame/import") { _, context, user, form in
            let id = try Self.id(context)
            guard let uploadId = Int(form["upload_id"] ?? "") else { throw AppError.malformed("thiếu tệp đã tải lên", field: "upload_id") }
            var mapping: [String: String] = [:]
            for role in FrameRole.allCases { mapping[role.rawValue] = form["map_\(role.rawValue)"] ?? "" }
            let request = SamplingFrames.ImportRequest(uploadId: uploadId, mapping: mapping, windowFrom: form["window_from"], windowTo: form["window_to"])
            do {
                _ = try await platform.samplingFrames.importFrame(campaign: id, request, by: user)
                return Self.redirect("/campaigns/\(id)/sampling?message=imported#frame")
            } catch let error as AppError where [.invalid, .invalidContent, .conflict].contains(error.kind) {
                let preview = try await platform.samplingFrames.preview(campaign: id, uploadId: uploadId, by: user)
                var page = try await MappingPage.make(platform, campaign: id, preview: preview, user: user, csrf: context.csrfToken)
                page.chosen(mapping, from: form["window_from"], to: form["window_to"])
                page.refusal = WebMessage.vietnamese(error.message)
                page.problems = error.items.map(ErrorPage.Item.init)
                page.moreProblems = error.totalItems > error.items.count ? VietnameseFormat.count(error.totalItems - error.items.count) : nil
                page.fieldError(error.field)
                return templates.page("sampling-mapping", page, status: error.status)
            }
        }
        form("/campaigns/{id}/sampling/frame/fix") { _, context, user, form in
            let id = try Self.id(context)
            return try await orPage(id, user, context, anchor: "frame") {
                _ = try await platform.samplingFrames.fix(campaign: id, rule: form["rule"] ?? "", seed: form["seed"], by: user)
                return "fixed"
            }
        }
        form("/campaigns/{id}/sampling/frame/purge") { _, context, user, form in
            let id = try Self.id(context)
            return try await orPage(id, user, context, anchor: "purge") {
                guard form["confirm"] == "yes" else {
                    throw AppError.invalid("đánh dấu ô xác nhận để xóa khung mẫu và thông tin liên hệ", field: "confirm")
                }
                try await platform.samplingFrames.purge(campaign: id, by: user)
                return "purged"
            }
        }
        router.post("/campaigns/{id}/sampling/design") { request, context in
            guard let user = context.user, context.tokenKind == .session else { return Self.toSignIn(request) }
            return try await rendering(request, context) {
                let id = try Self.id(context)
                try platform.authorize(user, .manageCampaigns)
                let upload = try await MultipartUpload.receive(request, limit: SamplingDesigns.areasLimit, documentFields: ["document"],
                                                               fileFields: ["areas1", "areas2", "areas3"])
                defer { upload.removeFiles() }
                try WebForm.checkToken(upload.fields["_csrf"], context: context)
                let areas = try ["areas1", "areas2", "areas3"].compactMap { name -> (fileName: String, content: String)? in
                    guard let file = upload.files[name], let data = FileManager.default.contents(atPath: file.path) else { return nil }
                    guard let text = String(data: data, encoding: .utf8) else {
                        throw AppError.invalid("tệp địa bàn \(file.name) không phải CSV UTF-8", field: "areas")
                    }
                    return (file.name, text)
                }
                let document = upload.fields["document"] ?? ""
                return try await orPage(id, user, context, anchor: "design", document: document) {
                    _ = try await platform.samplingDesigns.save(campaign: id, document: document, areas: areas.isEmpty ? nil : areas, by: user)
                    return "design"
                }
            }
        }
        form("/campaigns/{id}/sampling/design/choices") { _, context, user, form in
            let id = try Self.id(context)
            return try await orPage(id, user, context, anchor: "design") {
                let choices = SamplingDesigns.Choices(
                    strata: form["strata"] ?? "", rule: form["rule"] ?? "", e: form["e"] ?? "", p: form["p"] ?? "", deff: form["deff"] ?? "",
                    rr: form["rr"] ?? "", count: form["count"] ?? "", scope: form["scope"] ?? "", allocation: form["allocation"] ?? "",
                    minimum: form["min"] ?? "", reserves: form["reserves"] ?? "")
                _ = try await platform.samplingDesigns.save(campaign: id, document: try SamplingDesigns.document(choices), areas: nil, by: user)
                return "design"
            }
        }
        form("/campaigns/{id}/sampling/draw") { _, context, user, form in
            let id = try Self.id(context)
            return try await orPage(id, user, context, anchor: "draw") {
                let seed = form["seed"].flatMap { $0.isEmpty ? nil : $0 }
                _ = try await platform.samplingDraws.draw(campaign: id, seed: seed, reason: form["reason"], by: user)
                return "drawn"
            }
        }
        page("/campaigns/{id}/sampling/handover") { request, context, user in
            let id = try Self.id(context)
            let campaign = try await platform.campaigns.campaign(id, by: user)
            let summary = try await platform.samplingHandover.summary(campaign: id, by: user)
            return templates.page("sampling-handover", HandoverPage(chrome: Chrome(title: "Bàn giao kết quả chọn mẫu", user: user, csrf: context.csrfToken,
                                                                                  section: "campaigns"),
                                                                   campaign: CampaignLine(campaign), summary: summary))
        }
        for (path, contacts, workbook) in [("handover.csv", false, false), ("handover.xlsx", false, true),
                                           ("handover-contacts.csv", true, false), ("handover-contacts.xlsx", true, true)] {
            page(RouterPath("/campaigns/{id}/sampling/" + path)) { _, context, user in
                let table = try await platform.samplingHandover.table(campaign: try Self.id(context), withContacts: contacts, by: user)
                let name = "\(table.campaign.code)-mau-lan-\(table.draw.number)\(contacts ? "-lien-he" : "")"
                if workbook {
                    // The order, π and weight as numbers a spreadsheet can sum and sort; the rest as text.
                    let cells = table.rows.map { row in
                        row.enumerated().map { i, value -> Workbook.Cell in
                            switch i {
                            case 2: .integer(Int(value))
                            case 7, 8: .decimal(Double(value))
                            default: .text(value)
                            }
                        }
                    }
                    let book = Workbook(sheets: [Workbook.Sheet(name: "Danh sách mẫu", header: table.header, rows: cells)])
                    return Self.download(book.xlsx(), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name: name + ".xlsx")
                }
                var out: [UInt8] = [0xEF, 0xBB, 0xBF]
                out += Array(CSVLine.encodeForSpreadsheet(text: table.header, numbers: []).utf8) + [13, 10]
                // Columns 7 and 8 are numbers (π, weight); every other cell is text, kept from becoming a formula.
                for row in table.rows {
                    out += Array(CSVLine.encode(row.enumerated().map { $0.offset == 7 || $0.offset == 8 ? $0.element : CSVLine.spreadsheetText($0.element) }).utf8) + [13, 10]
                }
                return Self.download(out, type: "text/csv; charset=utf-8", name: name + ".csv")
            }
        }
        for file in SamplingDraws.File.allCases {
            router.get(RouterPath("/campaigns/{id}/sampling/draws/{number}/" + file.fileName)) { request, context in
                try await rendering(request, context) {
                    let text = try await platform.samplingDraws.file(file, campaign: try Self.id(context), number: try Self.id(context, "number"), by: context.user)
                    return Self.download(Array(text.utf8), type: file == .record ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
                                         name: file.fileName)
                }
            }
        }
        registerVerificationScreens()
    }

    /// Runs a sampling step; on a refusal the sampling page again with the message beside the step.
    private func orPage(_ id: Int, _ user: User, _ context: AppRequestContext, anchor: String, document: String? = nil,
                        _ body: () async throws -> String) async throws -> Response {
        do {
            let message = try await body()
            return Self.redirect("/campaigns/\(id)/sampling?message=\(message)#\(anchor)")
        } catch let error as AppError where [.invalid, .invalidContent, .conflict, .malformed].contains(error.kind) {
            var page = try await SamplingPage.make(platform, campaign: id, user: user, csrf: context.csrfToken, message: nil)
            page.stepError(anchor, WebMessage.vietnamese(error.message), items: error.items.map(ErrorPage.Item.init))
            if let document { page.design.document = document }
            return templates.page("sampling", page, status: error.status)
        }
    }
}
