import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASFormats

func registerQuestionnaireRoutes(_ api: APIRoutes, _ platform: Platform) {
    api.add(.get, "/api/v1/questionnaires", "Các bảng hỏi và phiên bản (questionnaires)", tag: "questionnaires", action: .readQuestionnaires,
            returns: .array(.ref("QuestionnaireVersion"))) { _, context in
        try JSONOutput.response(try await platform.questionnaires.list(by: context.user))
    }

    api.add(.get, "/api/v1/questionnaires/{code}/{version}", "Một phiên bản bảng hỏi theo định dạng trao đổi (JSON)", tag: "questionnaires",
            action: .readQuestionnaires, returns: .any) { _, context in
        let (code, version) = try questionnaireKey(context)
        let stored = try await platform.questionnaires.version(code: code, version: version, by: context.user)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: QuestionnaireWriter.write(stored.questionnaire, as: .json))))
    }

    api.add(.put, "/api/v1/questionnaires/{code}/{version}",
            "Tạo hoặc sửa một phiên bản chưa dùng (YAML hoặc JSON); phiên bản đã dùng bất biến, bảng hỏi quốc gia có sẵn chỉ đọc",
            tag: "questionnaires", action: .manageQuestionnaires, body: "application/json", request: .any, responses: [200, 201],
            returns: .any) { request, context in
        let (code, version) = try questionnaireKey(context)
        let buffer = try await JSONBody.collect(request, limit: platform.limits.questionnaireBytes, what: "bảng hỏi")
        let put = try await platform.questionnaires.put(code: code, version: version, text: String(buffer: buffer), by: context.user)
        return Response(status: put.created ? .created : .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: QuestionnaireWriter.write(put.questionnaire, as: .json))))
    }
}

func questionnaireKey(_ context: AppRequestContext) throws -> (String, Int) {
    guard let code = context.parameters.get("code"), !code.isEmpty, code.count <= 100,
          code.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
        throw AppError.malformed("đường dẫn cần mã bảng hỏi (questionnaire code)", field: "{code}")
    }
    return (code, try intParameter(context, "version"))
}
