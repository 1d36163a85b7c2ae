import Foundation
import Hummingbird
import SIPASCore
import SIPASFormats
import SIPASStore

struct QuestionnaireSummaryView: Encodable {
    let id: Int
    let code: String
    let version: Int
    let title: String
    let used: Bool
}

func registerQuestionnaireRoutes(_ api: APIRoutes, _ services: Services) {
    api.add(.get, "/api/v1/questionnaires", "Các bảng hỏi và phiên bản (questionnaires)", tag: "questionnaires", action: .readQuestionnaires,
            returns: .array(.ref("QuestionnaireVersion"))) { _, context in
        _ = try context.require(.readQuestionnaires)
        let list = try await services.db.read { try await services.questionnaires.list(on: $0) }
        return try JSONOutput.response(list.map { QuestionnaireSummaryView(id: $0.id, code: $0.code, version: $0.version, title: $0.title, used: $0.used) })
    }

    api.add(.get, "/api/v1/questionnaires/{code}/{version}", "Một phiên bản bảng hỏi theo định dạng trao đổi (JSON)", tag: "questionnaires",
            action: .readQuestionnaires, returns: .any) { _, context in
        _ = try context.require(.readQuestionnaires)
        let (code, version) = try questionnaireKey(context)
        guard let stored = try await services.db.read({ try await services.questionnaires.find(code: code, version: version, on: $0) }) else {
            throw Problem.notFound("bảng hỏi \(code) phiên bản \(version)")
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: QuestionnaireWriter.write(stored.questionnaire, as: .json))))
    }

    api.add(.put, "/api/v1/questionnaires/{code}/{version}", "Tạo hoặc sửa một phiên bản chưa dùng; phiên bản đã dùng thì bất biến", tag: "questionnaires",
            action: .manageQuestionnaires, request: .any, responses: [200, 201], returns: .any) { request, context in
        let user = try context.require(.manageQuestionnaires)
        let (code, version) = try questionnaireKey(context)
        let text = String(buffer: try await request.body.collect(upTo: 4 << 20))
        let q: Questionnaire
        do {
            q = try QuestionnaireReader.read(text)
        } catch let invalid as QuestionnaireInvalid {
            throw Problem(.unprocessableContent, "validation", "bảng hỏi không hợp lệ (invalid questionnaire)",
                          errors: invalid.issues.map { Problem.Item(line: $0.line, column: $0.column, field: $0.path, message: $0.message) })
        }
        guard q.id == code, q.version == version else {
            throw Problem.badRequest("id và version trong tài liệu (\(q.id) v\(q.version)) phải khớp đường dẫn (\(code) v\(version))", field: "/id")
        }
        let created: Bool = try await services.db.transaction { sql in
            if let existing = try await services.questionnaires.find(code: code, version: version, on: sql) {
                if try await services.questionnaires.isUsed(id: existing.id, on: sql) {
                    throw Problem.conflict("phiên bản \(version) của \(code) đang được một kỳ đo lường sử dụng nên không sửa được; hãy tạo phiên bản \(version + 1) (a used version is immutable)")
                }
                try await services.questionnaires.replace(id: existing.id, with: q, on: sql)
                try await services.record(user, "questionnaire.update", entity: "questionnaire", id: "\(code)@\(version)",
                                          before: QuestionnaireWriter.write(existing.questionnaire, as: .yaml), after: QuestionnaireWriter.write(q, as: .yaml), on: sql)
                return false
            }
            _ = try await services.questionnaires.insert(q, on: sql)
            try await services.record(user, "questionnaire.create", entity: "questionnaire", id: "\(code)@\(version)",
                                      after: QuestionnaireWriter.write(q, as: .yaml), on: sql)
            return true
        }
        return Response(status: created ? .created : .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: QuestionnaireWriter.write(q, as: .json))))
    }
}

func questionnaireKey(_ context: AppRequestContext) throws -> (String, Int) {
    guard let code = context.parameters.get("code"), let version = context.parameters.get("version", as: Int.self) else {
        throw Problem.badRequest("đường dẫn cần mã bảng hỏi và số phiên bản (questionnaire code and version)", field: "{version}")
    }
    return (code, version)
}
