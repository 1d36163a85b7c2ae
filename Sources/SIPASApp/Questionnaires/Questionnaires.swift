import SIPASCore
import SIPASFormats
import SIPASStore
import SQLKit

/// Questionnaire versions. The national questionnaires shipped with the program are read-only;
/// every other questionnaire belongs to the unit that made it, whose administrators alone may add
/// or edit its versions; a version a campaign uses never changes.
public struct Questionnaires: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }
    private var repository: QuestionnaireRepository { platform.store.questionnaires }

    public func list(by user: User?) async throws -> [QuestionnaireRepository.Summary] {
        _ = try platform.require(user, .readQuestionnaires)
        return try await platform.read { sql in try await repository.list(on: sql) }
    }

    public func version(code: String, version: Int, by user: User?) async throws -> QuestionnaireRepository.Stored {
        _ = try platform.require(user, .readQuestionnaires)
        guard let stored = try await platform.read({ sql in try await repository.find(code: code, version: version, on: sql) }) else {
            throw AppError.notFound("bảng hỏi \(code) phiên bản \(version)")
        }
        return stored
    }

    /// Reads a questionnaire document (YAML or JSON); every problem with its key path and line.
    public static func parse(_ text: String) throws -> Questionnaire {
        do {
            let q = try QuestionnaireReader.read(text)
            if let issue = controlCharacterIssue(in: q) { throw QuestionnaireInvalid([issue]) }
            return q
        } catch let invalid as QuestionnaireInvalid {
            throw AppError(.invalidContent, "bảng hỏi không hợp lệ: \(invalid.issues.count) lỗi (invalid questionnaire)",
                           items: invalid.issues.map { AppError.Item(line: $0.line, column: $0.column, field: $0.path, message: $0.message) })
        }
    }

    /// Creates or replaces the version `code`/`version` with `text`; true when it was created.
    public func put(code: String, version: Int, text: String, by user: User?) async throws -> (questionnaire: Questionnaire, created: Bool) {
        let user = try platform.require(user, .manageQuestionnaires)
        let q = try Self.parse(text)
        guard q.id == code, q.version == version else {
            throw AppError.invalid("id và version trong tài liệu (\(q.id) v\(q.version)) phải khớp đường dẫn (\(code) v\(version))", field: "/id")
        }
        let scope = try await platform.scope(of: user)
        let created: Bool = try await platform.transaction { sql in
            let owner = try await ownerOfCode(code, on: sql)
            try await requireMayVersion(user, scope: scope, owner: owner)
            if let existing = try await repository.find(code: code, version: version, on: sql) {
                if existing.builtin {
                    throw AppError.forbidden("bảng hỏi quốc gia \(code) phiên bản \(version) có sẵn trong chương trình và chỉ được đọc; hãy tạo phiên bản mới hoặc bảng hỏi mới (built-in questionnaires are read-only)")
                }
                if try await repository.isUsed(id: existing.id, on: sql) {
                    throw AppError.conflict("phiên bản \(version) của \(code) đang được một kỳ đo lường sử dụng nên không sửa được; hãy tạo phiên bản \(version + 1) (a used version is immutable)")
                }
                try await repository.replace(id: existing.id, with: q, on: sql)
                try await platform.recordState(user, .questionnaire, id: String(existing.id), action: "questionnaire.update",
                                               detail: "\(code)@\(version)", on: sql)
                return false
            }
            let ownerId: Int? = owner.map { $0.unitId } ?? scope?.unit.id
            let stored = try await repository.insert(q, ownerUnitId: ownerId, on: sql)
            try await platform.recordState(user, .questionnaire, id: String(stored.id), action: "questionnaire.create",
                                           detail: "\(code)@\(version)", on: sql)
            return true
        }
        return (q, created)
    }

    /// Imports a document under the code and version it names (a new version, or an unused one replaced).
    public func importDocument(_ text: String, by user: User?) async throws -> (questionnaire: Questionnaire, created: Bool) {
        _ = try platform.require(user, .manageQuestionnaires)
        let q = try Self.parse(text)
        return try await put(code: q.id, version: q.version, text: text, by: user)
    }

    /// The document a new version of `code` starts from: its latest version, numbered one more.
    public func nextVersionDraft(code: String, by user: User?) async throws -> String {
        _ = try platform.require(user, .manageQuestionnaires)
        guard let latest = try await list(by: user).filter({ $0.code == code }).max(by: { $0.version < $1.version }) else {
            throw AppError.notFound("bảng hỏi \(code)")
        }
        var q = try await version(code: code, version: latest.version, by: user).questionnaire
        q.version = latest.version + 1
        return QuestionnaireWriter.write(q, as: .yaml)
    }

    /// Who owns a code: nil when no version exists yet; `unitId` nil for national ones.
    private func ownerOfCode(_ code: String, on sql: any SQLDatabase) async throws -> (unitId: Int?, national: Bool)? {
        guard let any = try await repository.anyVersion(code: code, on: sql) else { return nil }
        return (any.ownerUnitId, any.ownerUnitId == nil)
    }

    private func requireMayVersion(_ user: User, scope: UnitScope?, owner: (unitId: Int?, national: Bool)?) async throws {
        guard let owner else { return }
        if owner.national {
            guard user.role == .systemAdmin else {
                throw AppError.forbidden("bảng hỏi quốc gia chỉ quản trị hệ thống mới được thêm phiên bản (national questionnaires are versioned by the system administrator)")
            }
            return
        }
        guard let unitId = owner.unitId, let unit = try await platform.store.units.find(id: unitId) else { return }
        if let scope, !scope.contains(unit) {
            throw AppError.forbidden("bảng hỏi này thuộc \(unit.name); chỉ người quản trị của đơn vị đó mới được thêm hoặc sửa phiên bản (owned by another unit)")
        }
    }

    /// Texts of a questionnaire are shown to respondents and officials: no control characters.
    static func controlCharacterIssue(in q: Questionnaire) -> ValidationIssue? {
        var texts: [(String, String)] = [("/title", q.title)]
        for (s, section) in q.sections.enumerated() {
            texts.append(("/sections/\(s)/title", section.title))
            for (i, item) in section.items.enumerated() {
                texts.append(("/sections/\(s)/items/\(i)/text", item.text))
                for (o, option) in (item.options ?? []).enumerated() { texts.append(("/sections/\(s)/items/\(i)/options/\(o)/label", option.label)) }
            }
        }
        for (s, scale) in q.scales.enumerated() {
            for (c, code) in scale.codes.enumerated() { texts.append(("/scales/\(s)/codes/\(c)/label", code.label)) }
        }
        for (path, text) in texts {
            do { _ = try TextRules.clean(text, maxLength: 10_000, multiline: true, allowEmpty: true) } catch {
                return ValidationIssue(path: path, message: error.message)
            }
        }
        return nil
    }
}
