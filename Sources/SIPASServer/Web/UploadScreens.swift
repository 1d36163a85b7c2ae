import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

/// Uploading a responses CSV in the browser: all or nothing, as through the API; a refused file's
/// problems are listed with their line and column, and nothing is stored.
extension WebScreens {
    func registerUploadScreens() {
        page("/campaigns/{id}/upload") { _, context, user in
            let campaign = try await platform.campaigns.campaign(try Self.id(context), by: user)
            try platform.authorize(user, .importResponses)
            return templates.page("upload", UploadPage(campaign, user: user, csrf: context.csrfToken, limit: platform.limits.importBytes))
        }
        router.post("/campaigns/{id}/upload") { request, context in
            guard let user = context.user, context.tokenKind == .session else { return Self.toSignIn(request) }
            return try await rendering(request, context) {
                let id = try Self.id(context)
                try platform.authorize(user, .importResponses)
                let upload = try await MultipartUpload.receive(request, limit: platform.limits.importBytes)
                defer { if let path = upload.filePath { unlink(path) } }
                try WebForm.checkToken(upload.fields["_csrf"], context: context)
                let campaign = try await platform.campaigns.campaign(id, by: user)
                var page = UploadPage(campaign, user: user, csrf: context.csrfToken, limit: platform.limits.importBytes)
                guard let path = upload.filePath else {
                    page.fileError = "Hãy chọn một tệp CSV phiếu trả lời."
                    return templates.page("upload", page, status: .unprocessableContent)
                }
                page.fileName = upload.fileName
                let channel = upload.fields["channel"].flatMap { VietnameseFormat.channels.map(\.0).contains($0) ? $0 : nil } ?? "paper"
                do {
                    let summary = try await platform.responses.importCSV(.file(path), campaign: id, by: user, channel: channel)
                    page.result = .init(rows: VietnameseFormat.count(summary.rows), added: VietnameseFormat.count(summary.added),
                                        unchanged: VietnameseFormat.count(summary.unchanged),
                                        warnings: summary.warnings.sorted { $0.key < $1.key }.map { "\($0.key): \(VietnameseFormat.count($0.value))" })
                    return templates.page("upload", page)
                } catch let error as AppError where [.invalid, .invalidContent, .conflict, .malformed, .tooLarge].contains(error.kind) {
                    page.refusal = error.message
                    page.problems = error.items.prefix(100).map(ErrorPage.Item.init)
                    page.moreProblems = error.totalItems > 100 ? VietnameseFormat.count(error.totalItems - 100) : nil
                    return templates.page("upload", page, status: error.status)
                }
            }
        }
    }
}

struct UploadPage: Sendable {
    struct Result: Sendable {
        var rows: String
        var added: String
        var unchanged: String
        var warnings: [String]
    }

    struct Option: Sendable {
        var value: String
        var label: String
    }

    var chrome: Chrome
    var campaign: CampaignLine
    var accepts: Bool
    var channels = VietnameseFormat.channels.map { Option(value: $0.0, label: $0.1) }
    var maxSize: String
    var fileName: String?
    var fileError: String?
    var result: Result?
    var refusal: String?
    var problems: [ErrorPage.Item] = []
    var moreProblems: String?

    init(_ campaign: Campaign, user: User, csrf: String?, limit: Int) {
        chrome = Chrome(title: "Tải tệp phiếu — \(campaign.title)", user: user, csrf: csrf, section: "campaigns")
        self.campaign = CampaignLine(campaign)
        accepts = campaign.status.acceptsResponses
        maxSize = "\(VietnameseFormat.count(limit >> 20)) MiB"
    }
}
