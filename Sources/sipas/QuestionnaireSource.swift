import Foundation
import SIPASCore
import SIPASFormats

/// Resolves `--questionnaire ID|FILE`: a built-in id first, then a file path.
enum QuestionnaireSource {
    static func load(_ reference: String) throws -> Questionnaire {
        if let builtin = BuiltinQuestionnaires.load(id: reference) { return builtin }
        guard FileManager.default.fileExists(atPath: reference) else {
            throw CLIFailure.usage("""
                không có bảng hỏi \"\(reference)\": không phải mã bảng hỏi có sẵn (\(BuiltinQuestionnaires.ids.joined(separator: ", "))) \
                và không có tệp nào ở đường dẫn này (no built-in questionnaire or file named \"\(reference)\")
                """)
        }
        return try read(path: reference)
    }

    static func read(path: String) throws -> Questionnaire {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure.noInput("không đọc được tệp \(path) (cannot read the file)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure.data("\(path): tệp không phải văn bản UTF-8; hãy lưu lại dưới dạng UTF-8 (the file is not UTF-8)")
        }
        do {
            return try QuestionnaireReader.read(text)
        } catch {
            throw CLIFailure.data(error.issues.map { "\(path): \($0)" }.joined(separator: "\n"))
        }
    }
}
