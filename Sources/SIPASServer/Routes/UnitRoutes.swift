import Foundation
import Hummingbird
import SIPASCore
import SIPASStore

struct UnitDetail: Encodable {
    let unit: AdminUnit
    let children: Int
    let successors: [Successor]
    struct Successor: Encodable { let unit: AdminUnit; let isDefault: Bool }
}

func registerUnitRoutes(_ api: APIRoutes, _ services: Services) {
    api.add(.get, "/api/v1/units", "Tìm đơn vị hành chính (không phân biệt dấu, hoa thường) — search units", tag: "units", action: .readUnits,
            query: [QueryParameter("q", .string, "words of the name, any case, with or without diacritics"),
                    QueryParameter("register", .string(enumeration: ["legacy", "2025", "agency"]), "one register only"),
                    QueryParameter("level", .string(enumeration: ["province", "district", "commune", "agency"]), "one level only"),
                    QueryParameter("within", .integer, "only units inside this unit")] + QueryParameter.paging,
            returns: APISchemas.page(of: "Unit")) { request, context in
        _ = try context.require(.readUnits)
        let page = try Page(request)
        let q = request.uri.queryParameters
        var within: AdminUnit?
        if let id = q.get("within") {
            guard let n = Int(id) else { throw Problem.badRequest("within phải là mã số đơn vị (within must be a unit id)", field: "?within") }
            within = try await services.units.find(id: n)
            if within == nil { throw Problem.notFound("đơn vị \(n)") }
        }
        let register = q.get("register")
        if let register, !["legacy", "2025", "local"].contains(register) {
            throw Problem.badRequest("register phải là legacy, 2025 hoặc local", field: "?register")
        }
        let items = try await services.units.search(q.get("q") ?? "", register: register, level: q.get("level"), within: within,
                                                    limit: page.limit, offset: page.offset)
        return try JSONOutput.response(Paged(items: items, limit: page.limit, offset: page.offset))
    }

    api.add(.get, "/api/v1/units/{id}", "Một đơn vị, số đơn vị trực thuộc và đơn vị kế thừa sau 01/07/2025 (a unit)", tag: "units", action: .readUnits,
            returns: .ref("UnitDetail")) { _, context in
        _ = try context.require(.readUnits)
        let unit = try await unitParameter(context, services)
        let children = try await services.units.children(of: unit).count
        let successors = try await services.units.successors(of: unit).map { UnitDetail.Successor(unit: $0.unit, isDefault: $0.isDefault) }
        return try JSONOutput.response(UnitDetail(unit: unit, children: children, successors: successors))
    }

    api.add(.get, "/api/v1/units/{id}/children", "Các đơn vị trực thuộc (children)", tag: "units", action: .readUnits,
            returns: .array(.ref("Unit"))) { _, context in
        _ = try context.require(.readUnits)
        let unit = try await unitParameter(context, services)
        return try JSONOutput.response(try await services.units.children(of: unit))
    }

    api.add(.post, "/api/v1/units/{id}/agencies", "Thêm cơ quan được đo lường (sở, ban, ngành, bộ phận một cửa) dưới một đơn vị", tag: "units",
            action: .manageAgencies, request: APISchemas.newAgency, responses: [201], returns: .ref("Unit")) { request, context in
        let user = try context.require(.manageAgencies)
        let parent = try await unitParameter(context, services)
        try await services.requireInScope(user, unit: parent)
        let body = try await JSONBody.read(request, schema: APISchemas.newAgency)
        let code = try body.string("code", maxLength: 40)!, name = try body.string("name", maxLength: 300)!
        let kind = try body.string("kind", required: false, maxLength: 60) ?? "co-quan"
        let agency: AdminUnit = try await services.db.transaction { sql in
            if try await sql.raw("SELECT 1 AS x FROM units WHERE register = 'local' AND level = 'agency' AND code = \(bind: code)").first() != nil {
                throw Problem.conflict("đã có cơ quan mã \"\(code)\" (an agency with this code exists)", field: "/code")
            }
            let agency = try await services.units.addAgency(code: code, name: name, kind: kind, parent: parent, on: sql)
            try await services.record(user, "unit.create", entity: "unit", id: String(agency.id), after: "\(code)|\(name)|\(kind)", on: sql)
            return agency
        }
        return try JSONOutput.response(agency, status: .created)
    }
}

func unitParameter(_ context: AppRequestContext, _ services: Services) async throws -> AdminUnit {
    guard let id = context.parameters.get("id", as: Int.self) else { throw Problem.badRequest("mã đơn vị phải là số (unit id must be a number)", field: "{id}") }
    guard let unit = try await services.units.find(id: id) else { throw Problem.notFound("đơn vị \(id)") }
    return unit
}
