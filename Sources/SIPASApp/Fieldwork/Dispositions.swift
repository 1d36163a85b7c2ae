import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore
import SQLKit

/// What happened to each case (sampling-method §10), recorded by its enumerator, their post
/// office's supervisor or the campaign's administrators — one at a time from a phone, or a bảng
/// kê's outcomes as a CSV — each with its date and who recorded it; and the replacement of a
/// non-response by the next reserve of its stratum.
public struct Dispositions: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public struct Entry: Sendable, Equatable {
        public var code: String
        public var disposition: String
        /// dd/mm/yyyy or yyyy-mm-dd; today when absent.
        public var date: String?
        public var note: String?

        public init(code: String, disposition: String, date: String? = nil, note: String? = nil) {
            self.code = code
            self.disposition = disposition
            self.date = date
            self.note = note
        }
    }

    /// Records one disposition.
    public func record(_ entry: Entry, campaign id: Int, by user: User?) async throws -> FieldworkRepository.FieldCase {
        let scope = try await platform.fieldworkScope(id, user, .recordDispositions)
        try platform.requireFieldworkOpen(scope.campaign)
        let checked = try await platform.read { sql in try await Self.check(entry, scope: scope, on: sql) { "/\($0)" } }
        if checked.unchanged { return checked.current }
        return try await store([checked], scope: scope).first!
    }

    public struct BulkOutcome: Sendable, Equatable {
        public var recorded: Int
        public var unchanged: Int
    }

    /// A bảng kê's outcomes as CSV or XLSX (columns `ma_phieu`/`case`, `ket_qua`/`disposition`,
    /// optional `ngay`/`date`, `ghi_chu`/`note`): every problem with its line and column, nothing
    /// stored unless every line is right. A line saying what is already recorded changes nothing.
    public func importTable(_ table: FrameTable, campaign id: Int, by user: User?) async throws -> BulkOutcome {
        let scope = try await platform.fieldworkScope(id, user, .recordDispositions)
        try platform.requireFieldworkOpen(scope.campaign)
        let columns = try Self.columns(table.header)
        var rows: [(line: Int, entry: Entry)] = []
        try table.forEachRow { line, value in
            func optional(_ i: Int?) -> String? { i.map(value).flatMap { $0.isEmpty ? nil : $0 } }
            rows.append((line, Entry(code: value(columns.code), disposition: value(columns.disposition), date: optional(columns.date), note: optional(columns.note))))
        }
        guard !rows.isEmpty else { throw AppError.invalid("bảng kê không có dòng nào (the list is empty)", field: "file") }
        let lines = rows, header = table.header
        let (checked, unchanged, problems) = try await platform.read { sql in
            var checked: [Checked] = [], unchanged = 0, problems: [AppError.Item] = []
            var seen: [String: Int] = [:]
            for (line, entry) in lines {
                let column: [String: Int] = ["code": columns.code, "disposition": columns.disposition, "date": columns.date ?? 0, "note": columns.note ?? 0]
                do {
                    let c = try await Self.check(entry, scope: scope, on: sql) { "\(line):\((column[$0] ?? 0) + 1)" }
                    if let first = seen[c.current.code] {
                        throw AppError.invalid("trường hợp \(c.current.code) đã có ở dòng \(first); mỗi trường hợp một dòng (a case listed twice)", field: "\(line):\(columns.code + 1)")
                    }
                    seen[c.current.code] = line
                    if c.unchanged { unchanged += 1 } else { checked.append(c) }
                } catch let error as AppError {
                    let place = (error.field ?? "\(line):0").split(separator: ":").compactMap { Int($0) }
                    problems.append(AppError.Item(line: place.first, column: place.count > 1 && place[1] > 0 ? place[1] : nil,
                                                  field: place.count > 1 && place[1] > 0 ? header[place[1] - 1] : nil, message: error.message))
                }
            }
            return (checked, unchanged, problems)
        }
        if !problems.isEmpty {
            throw AppError(.invalidContent, "bảng kê bị từ chối, không kết quả nào được ghi: \(problems.count) lỗi (the list was refused; nothing was recorded)",
                           items: Array(problems.prefix(100)), totalItems: problems.count)
        }
        let stored = try await store(checked, scope: scope)
        return BulkOutcome(recorded: stored.count, unchanged: unchanged)
    }

    static let codeNames = ["ma_phieu", "mã phiếu", "case", "code"], dispositionNames = ["ket_qua", "kết quả", "disposition"]
    static let dateNames = ["ngay", "ngày", "date"], noteNames = ["ghi_chu", "ghi chú", "note"]

    static func columns(_ header: [String]) throws -> (code: Int, disposition: Int, date: Int?, note: Int?) {
        if header.count == 1, header[0].contains(";") {
            // What Excel writes in Vietnamese settings ("CSV" with semicolons).
            throw AppError.invalid("tệp dùng dấu chấm phẩy (;) để ngăn cột; hãy lưu lại dạng \"CSV UTF-8 (dấu phẩy)\" hoặc gửi tệp Excel .xlsx (a semicolon-separated file)", field: "file")
        }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased().precomposedStringWithCanonicalMapping }
        func find(_ options: [String]) -> Int? { names.firstIndex { options.contains($0) } }
        guard let code = find(codeNames) else {
            throw AppError.invalid("bảng kê cần cột mã phiếu (\(codeNames.joined(separator: ", "))) ở dòng tiêu đề (no case column)", field: "file")
        }
        guard let disposition = find(dispositionNames) else {
            throw AppError.invalid("bảng kê cần cột kết quả (\(dispositionNames.joined(separator: ", "))) ở dòng tiêu đề (no disposition column)", field: "file")
        }
        return (code, disposition, find(dateNames), find(noteNames))
    }

    struct Checked: Sendable {
        var current: FieldworkRepository.FieldCase
        var next: Disposition
        var date: String
        var note: String?
        /// The line repeats what is recorded (same disposition): nothing to do.
        var unchanged: Bool
    }

    static func vietnamese(_ iso: String) -> String {
        let parts = iso.prefix(10).split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : iso
    }

    /// A disposition as written (its code or its Vietnamese label).
    static func disposition(_ text: String) -> Disposition? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased().precomposedStringWithCanonicalMapping
        return Disposition(rawValue: t) ?? Disposition.allCases.first { $0.label.lowercased() == t }
    }

    /// Checks one entry against the case as it stands; `place` names the field for a message.
    static func check(_ entry: Entry, scope: FieldworkScope, on sql: any SQLDatabase, place: (String) -> String) async throws -> Checked {
        guard let code = CaseCode(entry.code) else {
            throw AppError.invalid("mã phiếu \"\(entry.code)\" sai chữ số kiểm tra; đọc lại mã in trên phiếu (a wrong check digit)", field: place("code"))
        }
        guard let current = try await FieldworkRepository().fieldCase(campaignId: scope.campaign.id, code: code.description, on: sql),
              current.isActive, scope.reaches(current) else {
            throw AppError.invalid(FieldworkScope.unknownCase(code.description), field: place("code"))
        }
        guard let next = disposition(entry.disposition) else {
            throw AppError.invalid("kết quả \"\(entry.disposition)\" không có; dùng một trong: \(Disposition.allCases.filter { $0 != .replaced }.map { "\($0.rawValue) (\($0.label))" }.joined(separator: ", ")) (unknown disposition)", field: place("disposition"))
        }
        if next == .replaced {
            throw AppError.invalid("thay thế là việc của người quản trị hoặc giám sát (nút \"Thay thế\"), không ghi như một kết quả (replacement is a release)", field: place("disposition"))
        }
        var date = FieldworkRepository.today()
        if let text = entry.date {
            guard let parsed = FrameDate.parse(text) else {
                throw AppError.invalid("ngày \"\(text)\" không đọc được; ghi dd/mm/yyyy (an unreadable date)", field: place("date"))
            }
            guard parsed <= FieldworkRepository.today() else { throw AppError.invalid("ngày \(text) chưa đến (a date in the future)", field: place("date")) }
            guard parsed >= scope.fieldworkStarts else {
                throw AppError.invalid("ngày \(text) trước ngày bắt đầu điều tra thực địa (\(Self.vietnamese(scope.fieldworkStarts))) (a date before the fieldwork)", field: place("date"))
            }
            date = parsed
        }
        var note: String?
        if let text = entry.note {
            do { note = try TextRules.clean(text, maxLength: 500) } catch { throw AppError.text(error, field: place("note"), label: "ghi chú") }
        }
        guard let from = current.disposition else {
            throw AppError.invalid("trường hợp \(code) chưa được giao cho điều tra viên nào (an unassigned case)", field: place("code"))
        }
        if from == next {
            // The same outcome again is the same line of a list sent twice; another date is not a correction this allows.
            if entry.date != nil, let recorded = current.dispositionOn, recorded != date {
                throw AppError.invalid("trường hợp \(code) đã ghi \"\(from.label)\" ngày \(Self.vietnamese(recorded)); ngày đã ghi không sửa được ở đây (the date is already recorded)", field: place("date"))
            }
            return Checked(current: current, next: next, date: date, note: note, unchanged: true)
        }
        guard from.canMove(to: next) else {
            let allowed = from.next.filter { $0 != .replaced }.map(\.label)
            throw AppError.invalid("trường hợp \(code) đang \"\(from.label)\"; không chuyển sang \"\(next.label)\" được\(allowed.isEmpty ? " (kết quả đã chốt)" : "; chỉ: " + allowed.joined(separator: ", ")) (a transition that cannot follow)",
                                   field: place("disposition"))
        }
        return Checked(current: current, next: next, date: date, note: note, unchanged: false)
    }

    /// Stores checked entries in one transaction: each case must still be where it was checked.
    private func store(_ entries: [Checked], scope: FieldworkScope) async throws -> [FieldworkRepository.FieldCase] {
        guard !entries.isEmpty else { return [] }
        let campaignId = scope.campaign.id
        return try await platform.fieldworkTransaction { sql in
            let store = FieldworkRepository()
            var out: [FieldworkRepository.FieldCase] = []
            for e in entries {
                guard try await store.setDisposition(campaignId: campaignId, code: e.current.code, from: e.current.status, to: e.next.rawValue, on: e.date, sql: sql) else {
                    throw AppError.conflict("trường hợp \(e.current.code) vừa được ghi kết quả bởi người khác; tải lại và ghi lại (changed meanwhile)", field: "code")
                }
                var updated = e.current
                updated.status = e.next.rawValue
                updated.dispositionOn = e.date
                out.append(updated)
            }
            try await store.addEvents(entries.map { .init(caseNumber: $0.current.number, kind: "disposition", value: $0.next.rawValue, occurredOn: $0.date, reason: $0.note, userId: scope.user.id) },
                                      campaignId: campaignId, on: sql)
            let detail = entries.count == 1 ? "\(entries[0].current.code): \(entries[0].current.status) → \(entries[0].next.rawValue)" : "\(entries.count) kết quả theo bảng kê"
            try await platform.recordFieldwork(scope.user, "fieldwork.disposition", campaign: campaignId, cases: entries.map(\.current.number), detail: detail, on: sql)
            return out
        }
    }

    /// Releases the next reserve of the case's stratum in its place (draw order), given at once to
    /// the case's enumerator. Refused once the stratum's reserves are used, and for a case that is
    /// not a non-response.
    public func replace(code text: String, campaign id: Int, by user: User?) async throws -> (replaced: FieldworkRepository.FieldCase, reserve: FieldworkRepository.FieldCase) {
        let scope = try await platform.fieldworkScope(id, user, .recordDispositions)
        guard scope.isAdmin || scope.user.role == .fieldSupervisor else {
            throw AppError.forbidden("chỉ người quản trị kỳ hoặc giám sát bưu điện được thay thế trường hợp (administrators and supervisors only)")
        }
        try platform.requireFieldworkOpen(scope.campaign)
        guard let code = CaseCode(text) else { throw AppError.invalid("mã phiếu \"\(text)\" sai chữ số kiểm tra (a wrong check digit)", field: "/code") }
        let campaignId = scope.campaign.id, drawId = scope.draw.id
        return try await platform.fieldworkTransaction { sql in
            let store = FieldworkRepository()
            guard let c = try await store.fieldCase(campaignId: campaignId, code: code.description, on: sql), c.isActive, scope.reaches(c) else {
                throw AppError.invalid(FieldworkScope.unknownCase(code.description), field: "/code")
            }
            guard let d = c.disposition, d.isNonResponse else {
                let state = c.disposition?.label ?? "chưa giao"
                throw AppError.invalid("chỉ thay thế trường hợp từ chối, không tìm thấy hoặc đã chuyển đi; trường hợp \(c.code) đang \"\(state)\" (only a non-response is replaced)", field: "/code")
            }
            guard let reserve = try await store.nextReserve(campaignId: campaignId, drawId: drawId, stratum: c.stratum, on: sql) else {
                throw AppError.conflict("tầng \"\(c.stratum)\" đã dùng hết trường hợp dự phòng; không thay thế được (no reserve left)", field: "/code")
            }
            guard try await store.release(campaignId: campaignId, reserve: reserve.code, for: c.number, to: c.enumeratorId, on: sql),
                  try await store.setDisposition(campaignId: campaignId, code: c.code, from: d.rawValue, to: Disposition.replaced.rawValue, on: FieldworkRepository.today(), sql: sql) else {
                throw AppError.conflict("trường hợp vừa được thay đổi bởi người khác; tải lại (changed meanwhile)", field: "/code")
            }
            try await store.copyContacts(frameId: scope.draw.frameId, campaignId: campaignId, cases: [reserve.frameKey: reserve.number], on: sql)
            let today = FieldworkRepository.today()
            try await store.addEvents([
                .init(caseNumber: c.number, kind: "disposition", value: Disposition.replaced.rawValue, occurredOn: today, reason: "thay bằng \(reserve.code)", userId: scope.user.id),
                .init(caseNumber: reserve.number, kind: "release", value: c.code, occurredOn: today, reason: nil, userId: scope.user.id),
            ], campaignId: campaignId, on: sql)
            try await platform.recordFieldwork(scope.user, "fieldwork.replace", campaign: campaignId, cases: [c.number, reserve.number], detail: "\(c.code) → \(reserve.code)", on: sql)
            var released = reserve
            released.releasedFor = c.number
            released.enumeratorId = c.enumeratorId
            released.status = c.enumeratorId == nil ? "drawn" : Disposition.assigned.rawValue
            var replaced = c
            replaced.status = Disposition.replaced.rawValue
            return (replaced, released)
        }
    }
}
