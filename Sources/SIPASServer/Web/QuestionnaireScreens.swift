import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASFormats
import SIPASStore

/// Questionnaires in the browser: the list, one version with its items and trees, a download of
/// its document, import of a YAML/JSON document (problems listed with their key path and line),
/// and a new version started from the latest one. Rules are the questionnaires use case's.
extension WebScreens {
    func registerQuestionnaireScreens() {
        page("/questionnaires") { _, context, user in
            let list = try await platform.questionnaires.list(by: user)
            return templates.page("questionnaires", QuestionnaireListPage(list, user: user, csrf: context.csrfToken))
        }
        page("/questionnaires/import") { _, context, user in
            try platform.authorize(user, .manageQuestionnaires)
            return templates.page("questionnaire-import", QuestionnaireImportPage(user: user, csrf: context.csrfToken, text: ""))
        }
        router.post("/questionnaires/import") { request, context in
            guard let user = context.user, context.tokenKind == .session else { return Self.toSignIn(request) }
            return try await rendering(request, context) { try await importQuestionnaire(request, context, user) }
        }
        page("/questionnaires/{code}/{version}") { _, context, user in
            let (code, version) = try questionnaireKey(context)
            let stored = try await platform.questionnaires.version(code: code, version: version, by: user)
            return templates.page("questionnaire", QuestionnairePage(stored, user: user, csrf: context.csrfToken))
        }
        page("/questionnaires/{code}/{version}/document") { request, context, user in
            let (code, version) = try questionnaireKey(context)
            let stored = try await platform.questionnaires.version(code: code, version: version, by: user)
            let json = Self.query(request, "format") == "json"
            let text = QuestionnaireWriter.write(stored.questionnaire, as: json ? .json : .yaml)
            return Response(status: .ok, headers: [
                .contentType: json ? "application/json; charset=utf-8" : "application/yaml; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(code)-v\(version).\(json ? "json" : "yaml")\"",
            ], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        page("/questionnaires/{code}/{version}/new-version") { _, context, user in
            let (code, _) = try questionnaireKey(context)
            let draft = try await platform.questionnaires.nextVersionDraft(code: code, by: user)
            var page = QuestionnaireImportPage(user: user, csrf: context.csrfToken, text: draft)
            page.newVersionOf = code
            return templates.page("questionnaire-import", page)
        }
        page("/questionnaires/{code}/{version}/preview") { request, context, user in
            let (code, version) = try questionnaireKey(context)
            let stored = try await platform.questionnaires.version(code: code, version: version, by: user)
            let answers = WebForm.parse(request.uri.query ?? "").filter { $0.0.hasPrefix("a.") }.map { (String($0.0.dropFirst(2)), $0.1) }
            return templates.page("questionnaire-preview", QuestionnairePreviewPage(stored.questionnaire, answers: answers, user: user, csrf: context.csrfToken))
        }
    }

    /// The document comes as a chosen file or as the text in the editor (the file wins).
    private func importQuestionnaire(_ request: Request, _ context: AppRequestContext, _ user: User) async throws -> Response {
        try platform.authorize(user, .manageQuestionnaires)
        let upload = try await MultipartUpload.receive(request, limit: platform.limits.questionnaireBytes, documentFields: ["document"])
        defer { if let path = upload.filePath { unlink(path) } }
        try WebForm.checkToken(upload.fields["_csrf"], context: context)
        var text = upload.fields["document"] ?? ""
        if let path = upload.filePath, let data = FileManager.default.contents(atPath: path), !data.isEmpty {
            guard let decoded = String(data: data, encoding: .utf8) else {
                var page = QuestionnaireImportPage(user: user, csrf: context.csrfToken, text: "")
                page.refusal = "tệp \(upload.fileName ?? "") không phải văn bản UTF-8; hãy lưu lại tệp với bảng mã UTF-8 (the file is not UTF-8 text)"
                return templates.page("questionnaire-import", page, status: .unprocessableContent)
            }
            text = decoded
        }
        do {
            let outcome = try await platform.questionnaires.importDocument(text, by: user)
            let q = outcome.questionnaire
            return Self.redirect("/questionnaires/\(q.id)/\(q.version)?\(outcome.created ? "created" : "updated")=1")
        } catch let error as AppError where [.invalid, .invalidContent, .conflict, .malformed, .forbidden].contains(error.kind) {
            var page = QuestionnaireImportPage(user: user, csrf: context.csrfToken, text: text)
            page.newVersionOf = upload.fields["new_version_of"].flatMap { $0.isEmpty ? nil : $0 }
            page.refusal = WebMessage.vietnamese(error.message)
            page.problems = error.items.prefix(100).map(ErrorPage.Item.init)
            return templates.page("questionnaire-import", page, status: error.status)
        }
    }
}

struct QuestionnaireListPage: Sendable {
    struct Line: Sendable {
        var code: String
        var version: Int
        var title: String
        var kind: String
        var used: Bool
    }

    var chrome: Chrome
    var lines: [Line]
    var mayImport: Bool

    init(_ list: [QuestionnaireRepository.Summary], user: User, csrf: String?) {
        chrome = Chrome(title: "Bảng hỏi", user: user, csrf: csrf, section: "questionnaires")
        lines = list.map { Line(code: $0.code, version: $0.version, title: $0.title,
                                kind: $0.builtin ? "Quốc gia (có sẵn, chỉ đọc)" : $0.ownerUnitId == nil ? "Quốc gia" : "Của đơn vị", used: $0.used) }
        mayImport = AccessPolicy.allows(user.role, .manageQuestionnaires)
    }
}

struct QuestionnaireImportPage: Sendable {
    var chrome: Chrome
    var text: String
    var newVersionOf: String?
    var refusal: String?
    var problems: [ErrorPage.Item] = []

    init(user: User, csrf: String?, text: String) {
        chrome = Chrome(title: "Nhập bảng hỏi", user: user, csrf: csrf, section: "questionnaires")
        self.text = text
    }
}
