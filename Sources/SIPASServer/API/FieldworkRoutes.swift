import Foundation
import Hummingbird
import NIOCore
import SIPASApp
import SIPASCore
import SIPASFormats
import SIPASReports
import SIPASStore

/// Post offices and the fieldwork on a campaign's cases (sampling-method §10).
func registerFieldworkRoutes(_ api: APIRoutes, _ platform: Platform) {
    typealias J = FieldworkJSON
    api.add(.get, "/api/v1/post-offices", "Các bưu điện làm điều tra thực địa trong phạm vi của tài khoản (post offices)",
            tag: "fieldwork", action: .readFieldwork, returns: .any) { _, context in
        try JSONOutput.raw(try await platform.postOffices.list(by: context.user).map(J.postOffice))
    }
    api.add(.post, "/api/v1/post-offices", "Tạo bưu điện (tỉnh của người quản trị cấp tỉnh) (create a post office)",
            tag: "fieldwork", action: .manageFieldwork, request: J.postOfficeRequest, responses: [201], returns: .any) { request, context in
        let body = try await JSONBody.read(request, schema: J.postOfficeRequest)
        let office = try await platform.postOffices.create(name: try body.string("name")!, provinceUnitId: try body.integer("province_unit_id", required: false),
                                                           by: context.user)
        return try JSONOutput.raw(J.postOffice(office), status: .created)
    }
    api.add(.get, "/api/v1/post-offices/{id}/members", "Điều tra viên và giám sát của bưu điện (members)",
            tag: "fieldwork", action: .readFieldwork, returns: .any) { _, context in
        try JSONOutput.raw(try await platform.postOffices.members(postOffice: try intParameter(context, "id"), by: context.user).map(J.member))
    }
    api.add(.post, "/api/v1/post-offices/{id}/members", "Tạo tài khoản điều tra viên hoặc giám sát của bưu điện (add a member)",
            tag: "fieldwork", action: .manageFieldwork, request: J.memberRequest, responses: [201], returns: .any) { request, context in
        let body = try await JSONBody.read(request, schema: J.memberRequest)
        let user = try await platform.postOffices.addMember(.init(username: try body.string("username")!, displayName: try body.string("display_name")!,
                                                                  password: try body.string("password")!, role: try body.string("role")!, scopeUnitId: nil),
                                                            postOffice: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.raw(J.member(user), status: .created)
    }

    let base = "/api/v1/campaigns/{id}/fieldwork"
    api.add(.get, base + "/assignments", "Tải của từng điều tra viên, số trường hợp chưa giao theo đơn vị và gợi ý chia đều theo địa bàn (assignment preview)",
            tag: "fieldwork", action: .manageFieldwork, returns: .any) { _, context in
        try JSONOutput.raw(J.preview(try await platform.assignments.preview(campaign: try intParameter(context, "id"), by: context.user)))
    }
    api.add(.post, base + "/assignments", "Giao mọi trường hợp chưa giao của các đơn vị cho một điều tra viên (assign by area)",
            tag: "fieldwork", action: .manageFieldwork, request: J.assignRequest, returns: .any) { request, context in
        let body = try await JSONBody.read(request, schema: J.assignRequest)
        let outcome = try await platform.assignments.assign(campaign: try intParameter(context, "id"), unitIds: try J.integers(body, "unit_ids"),
                                                            to: try body.integer("enumerator_id")!, by: context.user)
        return try JSONOutput.raw(["assigned": outcome.assigned, "already_held": outcome.alreadyHeld])
    }
    api.add(.post, base + "/moves", "Chuyển trường hợp sang điều tra viên khác, ghi lý do (move cases)",
            tag: "fieldwork", action: .manageFieldwork, request: J.moveRequest, returns: .any) { request, context in
        let body = try await JSONBody.read(request, schema: J.moveRequest)
        let moved = try await platform.assignments.move(campaign: try intParameter(context, "id"), codes: try J.strings(body, "codes"),
                                                        to: try body.integer("enumerator_id")!, reason: try body.string("reason")!, by: context.user)
        return try JSONOutput.raw(["moved": moved])
    }
    api.add(.get, base + "/cases", "Các trường hợp của tài khoản (điều tra viên: của mình, kèm thông tin liên hệ để phát phiếu) (cases)",
            tag: "fieldwork", action: .recordDispositions,
            query: [QueryParameter("enumerator_id", APISchemas.id, "one enumerator's cases (administrators, supervisors)")], returns: .any) { request, context in
        let enumerator = try request.uri.queryParameters.get("enumerator_id").map { text -> Int in
            guard let n = Int(text), n > 0 else { throw AppError.invalid("enumerator_id phải là số nguyên dương", field: "?enumerator_id") }
            return n
        }
        let lines = try await platform.fieldworkCases.list(campaign: try intParameter(context, "id"), enumerator: enumerator, by: context.user)
        return try JSONOutput.raw(["items": lines.map(J.line)])
    }
    api.add(.get, base + "/cases/{code}", "Một trường hợp và lịch sử của nó (a case)",
            tag: "fieldwork", action: .recordDispositions, returns: .any) { _, context in
        let detail = try await platform.fieldworkCases.detail(campaign: try intParameter(context, "id"), code: context.parameters.get("code") ?? "", by: context.user)
        var out = J.line(detail.line)
        out["events"] = detail.events.map { e -> [String: Any] in
            ["kind": e.kind, "value": e.value, "occurred_on": e.occurredOn, "reason": e.reason as Any? ?? NSNull(),
             "by": e.userId.flatMap { detail.users[$0] } as Any? ?? NSNull(), "recorded_at": e.recordedAt]
        }
        return try JSONOutput.raw(out)
    }
    api.add(.post, base + "/dispositions", "Ghi kết quả của một trường hợp (record a disposition)",
            tag: "fieldwork", action: .recordDispositions, request: J.dispositionRequest, returns: .any) { request, context in
        let body = try await JSONBody.read(request, schema: J.dispositionRequest)
        let updated = try await platform.dispositions.record(.init(code: try body.string("code")!, disposition: try body.string("disposition")!,
                                                                   date: try body.string("date", required: false), note: try body.string("note", required: false)),
                                                             campaign: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.raw(J.fieldCase(updated))
    }
    api.add(.post, base + "/dispositions/import", "Ghi kết quả theo bảng kê (CSV hoặc XLSX: ma_phieu, ket_qua, ngay, ghi_chu), tất cả hoặc không (record a bảng kê)",
            tag: "fieldwork", action: .recordDispositions, body: "application/octet-stream",
            query: [QueryParameter("file_name", .string(maxLength: 200, minLength: 1), "the file's name; .xlsx for a workbook")], returns: .any) { request, context in
        let path = try await UploadFile.receive(request.body, limit: 32 << 20)
        defer { unlink(path) }
        let table = try J.table(path: path, name: request.uri.queryParameters.get("file_name") ?? "bang-ke.csv")
        let outcome = try await platform.dispositions.importTable(table, campaign: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.raw(["recorded": outcome.recorded, "unchanged": outcome.unchanged])
    }
    api.add(.post, base + "/replacements", "Thay một trường hợp không phản hồi bằng trường hợp dự phòng kế tiếp của tầng (replace by the next reserve)",
            tag: "fieldwork", action: .recordDispositions, request: J.codeRequest, responses: [201], returns: .any) { request, context in
        let body = try await JSONBody.read(request, schema: J.codeRequest)
        let outcome = try await platform.dispositions.replace(code: try body.string("code")!, campaign: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.raw(["replaced": J.fieldCase(outcome.replaced), "reserve": J.fieldCase(outcome.reserve)], status: .created)
    }
    api.add(.post, base + "/rechecks", "Chọn mẫu phúc tra trong các trường hợp đã thu (§10; mặc định 10%) (select the re-check)",
            tag: "fieldwork", action: .manageFieldwork, request: J.selectRequest, returns: .any) { request, context in
        let body = try await JSONBody.read(request, schema: J.selectRequest)
        let added = try await platform.rechecks.select(campaign: try intParameter(context, "id"), share: try body.number("share", required: false) ?? RecheckSelection.defaultShare,
                                                       by: context.user)
        return try JSONOutput.raw(["selected": added])
    }
    api.add(.get, base + "/rechecks", "Danh sách phúc tra và tỷ lệ xác nhận theo điều tra viên (the re-check)",
            tag: "fieldwork", action: .manageFieldwork, returns: .any) { _, context in
        let overview = try await platform.rechecks.overview(campaign: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.raw(["items": overview.cases.map(J.line), "enumerators": overview.perEnumerator.map { s -> [String: Any] in
            ["enumerator": s.enumerator, "selected": s.selected, "confirmed": s.confirmed, "not_confirmed": s.notConfirmed, "unreachable": s.unreachable,
             "share_confirmed": s.shareConfirmed as Any? ?? NSNull()]
        }])
    }
    api.add(.post, base + "/rechecks/{code}", "Ghi kết quả phúc tra của một trường hợp (record a re-check)",
            tag: "fieldwork", action: .manageFieldwork, request: J.outcomeRequest, responses: [204]) { request, context in
        let body = try await JSONBody.read(request, schema: J.outcomeRequest)
        try await platform.rechecks.record(campaign: try intParameter(context, "id"), code: context.parameters.get("code") ?? "", outcome: try body.string("outcome")!,
                                           note: try body.string("note", required: false), by: context.user)
        return Response(status: .noContent)
    }
    api.add(.post, base + "/rechecks/{code}/decision", "Giữ hay loại phiếu của trường hợp phúc tra không xác nhận (decide)",
            tag: "fieldwork", action: .manageFieldwork, request: J.decisionRequest, responses: [204]) { request, context in
        let body = try await JSONBody.read(request, schema: J.decisionRequest)
        try await platform.rechecks.decide(campaign: try intParameter(context, "id"), code: context.parameters.get("code") ?? "", decision: try body.string("decision")!,
                                           note: try body.string("note", required: false), by: context.user)
        return Response(status: .noContent)
    }
    api.add(.get, base + "/progress", "Tiến độ điều tra theo đơn vị, điều tra viên, bưu điện hoặc tầng: số trường hợp theo kết quả, tỷ lệ phản hồi (§10), RR1, tỷ lệ hợp tác và từ chối, quá hạn (progress)",
            tag: "fieldwork", action: .readFieldwork,
            query: [QueryParameter("by", .string(enumeration: FieldworkProgress.Grouping.allCases.map(\.rawValue)), "grouping, default unit"),
                    QueryParameter("format", .string(enumeration: ["json", "csv"]), "csv: one row per group")],
            returns: .any) { request, context in
        let by = request.uri.queryParameters.get("by") ?? "unit"
        guard let grouping = FieldworkProgress.Grouping(rawValue: by) else {
            throw AppError.invalid("by là một trong: \(FieldworkProgress.Grouping.allCases.map(\.rawValue).joined(separator: ", "))", field: "?by")
        }
        let report = try await platform.fieldworkProgress.report(campaign: try intParameter(context, "id"), by: grouping, user: context.user)
        switch request.uri.queryParameters.get("format") ?? "json" {
        case "csv":
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"tien-do-\(report.campaign.code)-\(grouping.rawValue).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: FieldworkProgressCSV.text(report))))
        case "json":
            // Written directly: Foundation's serialiser is most of the time of a 500-commune table.
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: JSONText.encode(J.progress(report)))))
        default: throw AppError.invalid("format là json hoặc csv", field: "?format")
        }
    }
}

/// JSON shapes of the fieldwork routes.
enum FieldworkJSON {
    typealias S = APISchema
    static let postOfficeRequest = S.object([.property("name", .string(maxLength: PostOffices.nameLimit)), .property("province_unit_id", APISchemas.id)], required: ["name"])
    static let memberRequest = S.object([
        .property("username", .string(maxLength: 64)), .property("display_name", .string(maxLength: 200)), .property("password", .string(maxLength: 200)),
        .property("role", .string(enumeration: [Role.enumerator.rawValue, Role.fieldSupervisor.rawValue])),
    ], required: ["username", "display_name", "password", "role"])
    static let assignRequest = S.object([.property("unit_ids", .array(APISchemas.id)), .property("enumerator_id", APISchemas.id)], required: ["unit_ids", "enumerator_id"])
    static let moveRequest = S.object([.property("codes", .array(.string(maxLength: 20))), .property("enumerator_id", APISchemas.id), .property("reason", .string(maxLength: 500))],
                                      required: ["codes", "enumerator_id", "reason"])
    static let dispositionRequest = S.object([
        .property("code", .string(maxLength: 20)), .property("disposition", .string(maxLength: 40)),
        .property("date", .string(maxLength: 20), "dd/mm/yyyy or yyyy-mm-dd; today when absent"), .property("note", .string(maxLength: 500)),
    ], required: ["code", "disposition"])
    static let codeRequest = S.object([.property("code", .string(maxLength: 20))], required: ["code"])
    static let selectRequest = S.object([.property("share", .number(0.001...1))], required: [])
    static let outcomeRequest = S.object([.property("outcome", .string(enumeration: ["confirmed", "not_confirmed", "unreachable"])), .property("note", .string(maxLength: 500))],
                                         required: ["outcome"])
    static let decisionRequest = S.object([.property("decision", .string(enumeration: ["kept", "excluded"])), .property("note", .string(maxLength: 500))],
                                          required: ["decision"])

    static func integers(_ body: JSONBody, _ key: String) throws -> [Int] {
        guard case let .array(list)? = body.object[key] else { throw AppError.malformed("\"\(key)\" phải là mảng số nguyên (expected an array)", field: "/\(key)") }
        return try list.enumerated().map { i, value in
            guard case let .number(n) = value, let int = Int(exactly: n), int > 0, int <= Int(Int32.max) else {
                throw AppError.malformed("phần tử phải là số nguyên dương (expected a positive integer)", field: "/\(key)/\(i)")
            }
            return int
        }
    }

    static func strings(_ body: JSONBody, _ key: String) throws -> [String] {
        guard case let .array(list)? = body.object[key] else { throw AppError.malformed("\"\(key)\" phải là mảng chuỗi (expected an array)", field: "/\(key)") }
        return try list.enumerated().map { i, value in
            guard case let .string(text) = value, text.count <= 20 else { throw AppError.malformed("phần tử phải là mã phiếu (expected a case code)", field: "/\(key)/\(i)") }
            return text
        }
    }

    static func postOffice(_ o: PostOffices.PostOffice) -> [String: Any] { ["id": o.id, "name": o.name, "province_unit_id": o.scopeUnitId] }

    static func member(_ u: User) -> [String: Any] {
        ["id": u.id, "username": u.username, "display_name": u.displayName, "role": u.role.rawValue, "post_office_id": u.postOfficeId as Any? ?? NSNull(),
         "disabled": u.disabled]
    }

    static func fieldCase(_ c: FieldworkRepository.FieldCase) -> [String: Any] {
        ["code": c.code, "unit_id": c.unitId, "stratum": c.stratum, "role": c.role, "order": c.order, "status": c.status,
         "enumerator_id": c.enumeratorId as Any? ?? NSNull(), "disposition_on": c.dispositionOn as Any? ?? NSNull(),
         "replaces": c.releasedFor.map { CaseCode(number: $0).description } as Any? ?? NSNull(), "recheck": c.recheck as Any? ?? NSNull(),
         "recheck_decision": c.recheckDecision as Any? ?? NSNull()]
    }

    static func line(_ l: FieldworkCases.Line) -> [String: Any] {
        var out = fieldCase(l.fieldCase)
        out["unit_code"] = l.unit?.code ?? ""
        out["unit_name"] = l.unit?.name ?? ""
        out["enumerator"] = l.enumerator as Any? ?? NSNull()
        out["contact"] = l.contact
        out["next"] = l.next.map(\.rawValue)
        return out
    }

    static func preview(_ p: Assignments.Preview) -> [String: Any] {
        ["units": p.units.map { u -> [String: Any] in
            ["unit_id": u.unit.id, "unit_code": u.unit.code, "unit_name": u.unit.name, "cases": u.cases, "unassigned": u.unassigned, "holders": u.holders,
             "suggested_enumerator_id": p.suggestion[u.unit.id]?.id as Any? ?? NSNull()]
         },
         "enumerators": p.loads.map { l -> [String: Any] in
             ["id": l.enumerator.id, "username": l.enumerator.username, "display_name": l.enumerator.displayName, "post_office": l.postOffice,
              "cases": l.cases, "open": l.open]
         }]
    }

    static func counts(_ c: FieldworkCounts) -> [String: Any] {
        var out: [String: Any] = ["cases": c.cases, "unassigned": c.unassigned, "overdue": c.overdue]
        for d in Disposition.allCases { out[d.rawValue] = c[d] }
        for (name, rate) in [("response_rate", c.responseRate), ("rr1", c.rr1), ("cooperation_rate", c.cooperationRate), ("refusal_rate", c.refusalRate)] {
            out[name] = rate as Any? ?? NSNull()
        }
        return out
    }

    static func progress(_ r: FieldworkProgress.Report) -> [String: Any] {
        ["by": r.grouping.rawValue, "fieldwork_ends_on": r.endsOn as Any? ?? NSNull(),
         "rows": r.rows.map { row -> [String: Any] in counts(row.counts).merging(["key": row.key, "label": row.label]) { a, _ in a } },
         "total": counts(r.total),
         "per_day": r.perDay.map { ["day": $0.day, "disposition": $0.disposition.rawValue, "count": $0.count] as [String: Any] }]
    }

    /// A bảng kê upload as a table: a workbook when the bytes are a ZIP, else CSV.
    static func table(path: String, name: String) throws -> FrameTable {
        let head = FileHandle(forReadingAtPath: path).map { handle in defer { try? handle.close() }; return handle.readData(ofLength: 2) } ?? Data()
        let isWorkbook = head == Data([0x50, 0x4B])
        let typed = path + (isWorkbook ? ".xlsx" : ".csv")
        guard link(path, typed) == 0 else { throw AppError.busy() }
        defer { unlink(typed) }
        do {
            // Read while the file is there: a CSV table reads its file row by row.
            let table = try FrameFiles.open(path: typed)
            var rows: [(line: Int, values: [String])] = []
            let width = table.header.count
            try table.forEachRow { line, value in rows.append((line, (0..<width).map(value))) }
            return RowsFrameTable(name: name, header: table.header, rows: rows)
        } catch let problem as SamplingInputProblem {
            throw AppError(.invalidContent, "không đọc được bảng kê \(name): \(problem.message)",
                           items: [AppError.Item(line: problem.line, field: problem.column, message: problem.message)], totalItems: 1)
        }
    }
}
