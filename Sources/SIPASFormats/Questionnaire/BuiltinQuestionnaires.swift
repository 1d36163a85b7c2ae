import SIPASCore

/// The national questionnaires compiled into the binary, and resolution of a questionnaire given
/// on the command line by id or by file path.
public enum BuiltinQuestionnaires {
    public static var ids: [String] { BuiltinQuestionnaireTexts.all.map(\.id) }

    public static func text(id: String) -> String? {
        BuiltinQuestionnaireTexts.all.first { $0.id == id }?.yaml
    }

    public static func load(id: String) -> Questionnaire? {
        guard let text = text(id: id) else { return nil }
        return try? QuestionnaireReader.read(text)
    }
}
