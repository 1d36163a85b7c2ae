import Foundation
import Hummingbird
import NIOCore
import SIPASApp
import SIPASCore
import SIPASStore

func registerResponseRoutes(_ api: APIRoutes, _ platform: Platform) {
    api.add(.post, "/api/v1/campaigns/{id}/responses/import",
            "Nhập hàng loạt tệp CSV phiếu trả lời: tất cả hoặc không, nhập lại giống hệt không đổi gì (import a responses CSV)",
            tag: "responses", action: .importResponses, body: "text/csv", responses: [200], returns: .ref("ImportSummary")) { request, context in
        let id = try intParameter(context, "id")
        // Streamed to a file as it arrives: a large upload never sits whole in memory, and one over
        // the limit is refused as soon as it passes it.
        let path = try await UploadFile.receive(request.body, limit: platform.limits.importBytes)
        defer { unlink(path) }
        return try JSONOutput.response(try await platform.responses.importCSV(.file(path), campaign: id, by: context.user))
    }

    api.add(.post, "/api/v1/campaigns/{id}/responses", "Gửi một phiếu trả lời (submit one response)", tag: "responses",
            action: .submitResponses, request: APISchemas.submission, responses: [201, 200],
            returns: .ref("ImportSummary")) { request, context in
        let id = try intParameter(context, "id")
        let body = try await JSONBody.read(request, schema: APISchemas.submission)
        let submission = Responses.Submission(
            responseId: try body.string("response_id")!, unitId: try body.integer("unit_id", required: false),
            channel: try body.string("channel", required: false), stratum: try body.string("stratum", required: false),
            psu: try body.string("psu", required: false), weight: try body.number("weight", required: false),
            answers: try body.scalars("answers"), attributes: try body.scalars("attributes", required: false, lists: false))
        let outcome = try await platform.responses.submit(submission, campaign: id, by: context.user)
        return try JSONOutput.response(outcome.summary, status: outcome.created ? .created : .ok)
    }

    api.add(.get, "/api/v1/campaigns/{id}/responses", "Phiếu trả lời từng người: chỉ người quản trị kỳ đo lường (individual responses)",
            tag: "responses", action: .readResponses,
            query: QueryParameter.paging, returns: APISchemas.page(of: "StoredResponse")) { request, context in
        let page = try Page(request)
        let items = try await platform.responses.list(campaign: try intParameter(context, "id"), by: context.user, limit: page.limit, offset: page.offset)
        return try JSONOutput.response(Paged(items: items, limit: page.limit, offset: page.offset))
    }
}

/// An upload written to a temporary file (mode 0600) as it streams in.
enum UploadFile {
    static func receive(_ body: RequestBody, limit: Int) async throws -> String {
        let path = NSTemporaryDirectory() + "sipas-upload-\(UUID().uuidString).csv"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw AppError.busy() }
        var written = 0
        do {
            for try await chunk in body {
                written += chunk.readableBytes
                if written > limit {
                    throw AppError(.tooLarge, "tệp lớn hơn giới hạn \(limit >> 20) MiB; hãy chia thành nhiều tệp nhỏ hơn (the file is larger than \(limit) bytes)")
                }
                try chunk.withUnsafeReadableBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                        if n <= 0 { throw AppError.busy() }
                        offset += n
                    }
                }
            }
            close(fd)
            return path
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
    }
}
