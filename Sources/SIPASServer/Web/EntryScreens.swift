import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

/// Keying paper forms in the browser, and deciding where two keyings differ.
extension WebScreens {
    func registerEntryScreens() {
        page("/campaigns/{id}/entry") { request, context, user in
            templates.page("entry", try await EntryPage.make(platform, campaign: try Self.id(context), user: user, csrf: context.csrfToken,
                                                             notice: Self.entryNotice(status: Self.query(request, "status"), code: Self.query(request, "code"),
                                                                                      pass: Self.query(request, "pass"))))
        }
        form("/campaigns/{id}/entry") { _, context, user, form in
            let id = try Self.id(context)
            var answers: [String: String] = [:]
            for (name, value) in form.fields where name.hasPrefix("a.") { answers[String(name.dropFirst(2))] = value }
            let code = form["code"] ?? ""
            do {
                let keyed = try await platform.doubleEntry.key(campaign: id, code: code, answers: answers, by: user)
                return Self.redirect("/campaigns/\(id)/entry?status=\(keyed.status.rawValue)&code=\(keyed.code)&pass=\(keyed.pass)")
            } catch let error as AppError where [.invalid, .invalidContent, .conflict, .malformed].contains(error.kind) {
                // The form again with what was typed and each message beside its field.
                var page = try await EntryPage.make(platform, campaign: id, user: user, csrf: context.csrfToken, notice: nil, values: answers)
                page.code = code
                page.error = WebMessage.vietnamese(error.message)
                let byField = Dictionary((error.items.isEmpty ? [AppError.Item(field: error.field, message: error.message)] : error.items)
                    .compactMap { item in item.field.map { ($0, WebMessage.vietnamese(item.message)) } }, uniquingKeysWith: { a, _ in a })
                page.codeError = byField["/code"]
                for i in page.fields.indices { page.fields[i].problem = byField["/answers/\(page.fields[i].code)"] }
                return templates.page("entry", page, status: error.status)
            }
        }
        page("/campaigns/{id}/entry/differences") { request, context, user in
            templates.page("entry-differences", try await DifferencesPage.make(platform, campaign: try Self.id(context), user: user, csrf: context.csrfToken,
                                                                               notice: Self.query(request, "message") == "decided" ? "Đã lưu quyết định; phiếu đã được lưu." : nil))
        }
        form("/campaigns/{id}/entry/differences/{code}") { _, context, user, form in
            let id = try Self.id(context)
            var values: [String: String] = [:]
            // Fields are named "v.<code>~<item>" (the radio choice) and "o.<code>~<item>" (another value typed, which wins).
            func item(_ name: String) -> String { String(name.split(separator: "~", maxSplits: 1).last ?? "") }
            for (name, value) in form.fields where name.hasPrefix("v.") { values[item(name)] = value }
            for (name, value) in form.fields where name.hasPrefix("o.") && !value.trimmingCharacters(in: .whitespaces).isEmpty { values[item(name)] = value }
            do {
                try await platform.doubleEntry.adjudicate(campaign: id, code: context.parameters.get("code") ?? "", values: values, by: user)
                return Self.redirect("/campaigns/\(id)/entry/differences?message=decided")
            } catch let error as AppError where [.invalid, .invalidContent, .conflict, .malformed].contains(error.kind) {
                var page = try await DifferencesPage.make(platform, campaign: id, user: user, csrf: context.csrfToken, notice: nil)
                page.error = WebMessage.vietnamese(error.message) + (error.items.isEmpty ? "" : " " + error.items.map { WebMessage.vietnamese($0.message) }.joined(separator: "; "))
                return templates.page("entry-differences", page, status: error.status)
            }
        }
    }

    static func entryNotice(status: String?, code: String?, pass: String?) -> String? {
        guard let status = status.flatMap(DoubleEntry.Status.init(rawValue:)), let code = code.flatMap(CaseCode.init)?.description else { return nil }
        switch status {
        case .keyedOnce: return "Đã nhập lần \(pass == "2" ? "2" : "1") phiếu \(code). Phiếu cần một người khác nhập lần 2."
        case .verified: return "Phiếu \(code): hai lần nhập khớp nhau, phiếu đã được lưu."
        case .differs: return "Phiếu \(code): hai lần nhập khác nhau; người quản trị sẽ xem và quyết định."
        }
    }
}
