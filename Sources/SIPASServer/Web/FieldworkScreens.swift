import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASFormats
import SIPASReports

/// Fieldwork in the browser: progress and assignment for the province, an enumerator's cases on
/// a phone (record what happened, one tap per case), the bảng kê upload, and the re-check.
extension WebScreens {
    func registerFieldworkScreens() {
        page("/campaigns/{id}/fieldwork") { request, context, user in
            templates.page("fieldwork", try await FieldworkPage.make(platform, campaign: try Self.id(context), by: Self.query(request, "by"), user: user,
                                                                     csrf: context.csrfToken, notice: Self.fieldworkNotice(Self.query(request, "message"))))
        }
        form("/campaigns/{id}/fieldwork/assign") { _, context, user, form in
            let id = try Self.id(context)
            return try await orFieldworkPage(id, user, context) {
                var byEnumerator: [Int: [Int]] = [:]
                for (name, value) in form.fields where name.hasPrefix("unit_") {
                    guard let unit = Int(name.dropFirst(5)), !value.isEmpty else { continue }
                    guard let enumerator = Int(value) else { throw AppError.invalid("chọn điều tra viên trong danh sách", field: name) }
                    byEnumerator[enumerator, default: []].append(unit)
                }
                guard !byEnumerator.isEmpty else { throw AppError.invalid("chọn điều tra viên cho ít nhất một đơn vị", field: "unit") }
                var assigned = 0
                for (enumerator, units) in byEnumerator.sorted(by: { $0.key < $1.key }) {
                    assigned += try await platform.assignments.assign(campaign: id, unitIds: units, to: enumerator, by: user).assigned
                }
                return "assigned-\(assigned)"
            }
        }
        form("/campaigns/{id}/fieldwork/move") { _, context, user, form in
            let id = try Self.id(context)
            return try await orFieldworkPage(id, user, context) {
                let codes = (form["codes"] ?? "").split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == "\r" || $0 == " " || $0 == ";" }).map(String.init)
                guard let enumerator = Int(form["enumerator_id"] ?? "") else { throw AppError.invalid("chọn điều tra viên nhận", field: "enumerator_id") }
                let moved = try await platform.assignments.move(campaign: id, codes: codes, to: enumerator, reason: form["reason"] ?? "", by: user)
                return "moved-\(moved)"
            }
        }
        page("/campaigns/{id}/fieldwork/cases") { request, context, user in
            templates.page("fieldwork-cases", try await FieldworkCasesPage.make(platform, campaign: try Self.id(context), enumerator: Self.query(request, "enumerator").flatMap(Int.init),
                                                                                user: user, csrf: context.csrfToken, notice: Self.fieldworkNotice(Self.query(request, "message"))))
        }
        form("/campaigns/{id}/fieldwork/cases/{code}") { _, context, user, form in
            let id = try Self.id(context)
            let code = context.parameters.get("code") ?? ""
            let typed = ["disposition": form["disposition"] ?? "", "date": form["date"] ?? "", "note": form["note"] ?? ""]
            return try await orCasesPage(id, user, context, code: code, typed: typed) {
                _ = try await platform.dispositions.record(.init(code: code, disposition: form["disposition"] ?? "", date: form["date"].flatMap { $0.isEmpty ? nil : $0 },
                                                                 note: form["note"].flatMap { $0.isEmpty ? nil : $0 }), campaign: id, by: user)
                return "recorded"
            }
        }
        form("/campaigns/{id}/fieldwork/cases/{code}/replace") { _, context, user, _ in
            let id = try Self.id(context)
            let code = context.parameters.get("code") ?? ""
            return try await orCasesPage(id, user, context, code: code) {
                let outcome = try await platform.dispositions.replace(code: code, campaign: id, by: user)
                return "replaced-\(outcome.reserve.code)"
            }
        }
        router.post("/campaigns/{id}/fieldwork/bang-ke") { request, context in
            guard let user = context.user, context.tokenKind == .session else { return Self.toSignIn(request) }
            return try await rendering(request, context) {
                let id = try Self.id(context)
                try platform.authorize(user, .recordDispositions)
                let upload = try await MultipartUpload.receive(request, limit: 32 << 20)
                defer { upload.removeFiles() }
                try WebForm.checkToken(upload.fields["_csrf"], context: context)
                return try await orCasesPage(id, user, context, code: nil) {
                    guard let path = upload.filePath else { throw AppError.invalid("chọn tệp bảng kê (CSV hoặc Excel .xlsx)", field: "file") }
                    let table = try FieldworkJSON.table(path: path, name: upload.fileName ?? "bang-ke.csv")
                    let outcome = try await platform.dispositions.importTable(table, campaign: id, by: user)
                    return "list-\(outcome.recorded)-\(outcome.unchanged)"
                }
            }
        }
        page("/campaigns/{id}/fieldwork/progress.xlsx") { request, context, user in
            let by = FieldworkProgress.Grouping(rawValue: Self.query(request, "by") ?? "") ?? (user.role == .fieldSupervisor ? .enumerator : .unit)
            let report = try await platform.fieldworkProgress.report(campaign: try Self.id(context), by: by, user: user)
            return Self.download(FieldworkProgressWorkbook.xlsx(report), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                 name: "tien-do-\(report.campaign.code)-\(by.rawValue).xlsx")
        }
        page("/campaigns/{id}/fieldwork/bang-ke") { request, context, user in
            let id = try Self.id(context)
            let enumerator = Self.query(request, "enumerator").flatMap(Int.init) ?? user.id
            let listing = try await platform.fieldworkCases.listing(campaign: id, enumerator: enumerator, by: user)
            let document = BangKe(listing, toolbar: .init(back: "/campaigns/\(id)/fieldwork/cases?enumerator=\(enumerator)",
                                                          pdf: "/campaigns/\(id)/fieldwork/bang-ke.pdf?enumerator=\(enumerator)"))
            return Self.document(try document.html())
        }
        page("/campaigns/{id}/fieldwork/bang-ke.pdf") { request, context, user in
            let id = try Self.id(context)
            let enumerator = Self.query(request, "enumerator").flatMap(Int.init) ?? user.id
            let listing = try await platform.fieldworkCases.listing(campaign: id, enumerator: enumerator, by: user)
            return Self.download(try await BangKe(listing).pdf(), type: "application/pdf", name: "bang-ke-\(listing.campaign.code)-\(listing.enumerator.username).pdf")
        }
        for (path, pdf) in [("/campaigns/{id}/fieldwork/phieu", false), ("/campaigns/{id}/fieldwork/phieu.pdf", true)] {
            page(RouterPath(path)) { request, context, user in
                let id = try Self.id(context)
                let enumerator = Self.query(request, "enumerator").flatMap(Int.init) ?? user.id
                let forms = try await platform.fieldworkDocuments.questionnaires(campaign: id, enumerator: enumerator, all: Self.query(request, "all") == "1", by: user)
                if pdf { return Self.download(try await CaseQuestionnaires(forms).pdf(), type: "application/pdf", name: "phieu-\(forms.campaign.code)-\(enumerator).pdf") }
                let document = CaseQuestionnaires(forms, toolbar: .init(back: "/campaigns/\(id)/fieldwork/cases?enumerator=\(enumerator)",
                                                                        pdf: "/campaigns/\(id)/fieldwork/phieu.pdf?enumerator=\(enumerator)"))
                return Self.document(try document.html())
            }
        }
        for (path, pdf) in [("/campaigns/{id}/fieldwork/tien-ho-tro", false), ("/campaigns/{id}/fieldwork/tien-ho-tro.pdf", true)] {
            page(RouterPath(path)) { request, context, user in
                let id = try Self.id(context)
                let enumerator = Self.query(request, "enumerator").flatMap(Int.init) ?? user.id
                let typed = Self.query(request, "amount")?.replacingOccurrences(of: ".", with: "")
                guard let amount = typed.map({ Int($0) }) ?? 50_000 else {
                    throw AppError.invalid("số tiền hỗ trợ ghi bằng chữ số, ví dụ 50000 (amount must be whole đồng)", field: "amount")
                }
                let payments = try await platform.fieldworkDocuments.payments(campaign: id, enumerator: enumerator, amount: amount, by: user)
                if pdf { return Self.download(try await PaymentList(payments).pdf(), type: "application/pdf", name: "tien-ho-tro-\(payments.campaign.code)-\(payments.enumerator.username).pdf") }
                let document = PaymentList(payments, toolbar: .init(back: "/campaigns/\(id)/fieldwork/cases?enumerator=\(enumerator)",
                                                                    pdf: "/campaigns/\(id)/fieldwork/tien-ho-tro.pdf?enumerator=\(enumerator)&amount=\(amount)"))
                return Self.document(try document.html())
            }
        }
        page("/campaigns/{id}/fieldwork/rechecks") { request, context, user in
            templates.page("fieldwork-recheck", try await RecheckPage.make(platform, campaign: try Self.id(context), user: user, csrf: context.csrfToken,
                                                                           notice: Self.fieldworkNotice(Self.query(request, "message"))))
        }
        form("/campaigns/{id}/fieldwork/rechecks") { _, context, user, form in
            let id = try Self.id(context)
            return try await orRecheckPage(id, user, context) {
                let share = (form["share"]).flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) }.map { $0 > 1 ? $0 / 100 : $0 } ?? RecheckSelection.defaultShare
                return "selected-\(try await platform.rechecks.select(campaign: id, share: share, by: user))"
            }
        }
        form("/campaigns/{id}/fieldwork/rechecks/{code}") { _, context, user, form in
            let id = try Self.id(context)
            let code = context.parameters.get("code") ?? ""
            return try await orRecheckPage(id, user, context) {
                if let decision = form["decision"] {
                    try await platform.rechecks.decide(campaign: id, code: code, decision: decision, note: form["note"], by: user)
                } else {
                    try await platform.rechecks.record(campaign: id, code: code, outcome: form["outcome"] ?? "", note: form["note"], by: user)
                }
                return "rechecked"
            }
        }
    }

    /// A printable document as its own page (no site chrome; personal data: not cached).
    static func document(_ html: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "private, no-store"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The confirmation after a change, from its message key; numbers and codes only, so a link
    /// cannot put words of its own in the page's mouth.
    static func fieldworkNotice(_ message: String?) -> String? {
        guard let message else { return nil }
        let parts = message.split(separator: "-").map(String.init)
        let numbers = parts.dropFirst().compactMap { Int($0) }.map(VietnameseFormat.count)
        switch (parts.first, numbers.count) {
        case ("assigned", 1): return "Đã giao \(numbers[0]) trường hợp."
        case ("moved", 1): return "Đã chuyển \(numbers[0]) trường hợp."
        case ("recorded", 0) where parts.count == 1: return "Đã ghi kết quả."
        case ("replaced", _):
            guard let code = CaseCode(parts.dropFirst().joined(separator: "-")) else { return nil }
            return "Đã thay thế; trường hợp dự phòng \(code) được giao cho cùng điều tra viên."
        case ("list", 2): return "Đã ghi bảng kê: \(numbers[0]) kết quả mới, \(numbers[1]) dòng không đổi."
        case ("selected", 1): return "Đã chọn thêm \(numbers[0]) trường hợp phúc tra."
        case ("rechecked", 0) where parts.count == 1: return "Đã ghi kết quả phúc tra."
        default: return nil
        }
    }

    private func orFieldworkPage(_ id: Int, _ user: User, _ context: AppRequestContext, _ body: () async throws -> String) async throws -> Response {
        do {
            return Self.redirect("/campaigns/\(id)/fieldwork?message=\(try await body())")
        } catch let error as AppError where [.invalid, .invalidContent, .conflict, .malformed].contains(error.kind) {
            var page = try await FieldworkPage.make(platform, campaign: id, by: nil, user: user, csrf: context.csrfToken, notice: nil)
            page.error = WebMessage.vietnamese(error.message)
            page.problems = error.items.map(ErrorPage.Item.init)
            return templates.page("fieldwork", page, status: error.status)
        }
    }

    private func orCasesPage(_ id: Int, _ user: User, _ context: AppRequestContext, code: String?, typed: [String: String] = [:],
                             _ body: () async throws -> String) async throws -> Response {
        do {
            return Self.redirect("/campaigns/\(id)/fieldwork/cases?message=\(try await body())" + (code.map { "#c\($0)" } ?? ""))
        } catch let error as AppError where [.invalid, .invalidContent, .conflict, .malformed].contains(error.kind) {
            var page = try await FieldworkCasesPage.make(platform, campaign: id, enumerator: nil, user: user, csrf: context.csrfToken, notice: nil)
            page.error = WebMessage.vietnamese(error.message)
            let code = code.map { $0.removingPercentEncoding ?? $0 }
            page.errorCode = code
            page.problems = error.items.map(ErrorPage.Item.init)
            if let code { page.keep(typed, code: code) }
            return templates.page("fieldwork-cases", page, status: error.status)
        }
    }

    private func orRecheckPage(_ id: Int, _ user: User, _ context: AppRequestContext, _ body: () async throws -> String) async throws -> Response {
        do {
            return Self.redirect("/campaigns/\(id)/fieldwork/rechecks?message=\(try await body())")
        } catch let error as AppError where [.invalid, .invalidContent, .conflict, .malformed].contains(error.kind) {
            var page = try await RecheckPage.make(platform, campaign: id, user: user, csrf: context.csrfToken, notice: nil)
            page.error = WebMessage.vietnamese(error.message)
            return templates.page("fieldwork-recheck", page, status: error.status)
        }
    }
}
