import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

struct UnitDetailView: Encodable {
    let unit: AdminUnit
    let parent: AdminUnit?
    let children: Int
    let successors: [Successor]
    let predecessors: [AdminUnit]
    struct Successor: Encodable { let unit: AdminUnit; let isDefault: Bool }

    enum CodingKeys: String, CodingKey { case unit, parent, children, successors, predecessors }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(unit, forKey: .unit)
        try c.encode(parent, forKey: .parent)  // null at the top, not absent
        try c.encode(children, forKey: .children)
        try c.encode(successors, forKey: .successors)
        try c.encode(predecessors, forKey: .predecessors)
    }
}

func registerUnitRoutes(_ api: APIRoutes, _ platform: Platform) {
    api.add(.get, "/api/v1/units", "Tìm đơn vị hành chính (không phân biệt dấu, hoa thường) — search units", tag: "units", action: .readUnits,
            query: [QueryParameter("q", .string(maxLength: UnitRegister.queryLimit, minLength: 0), "words of the name, any order, any case, with or without diacritics; at most 200 characters"),
                    QueryParameter("register", .string(enumeration: Register.allCases.map(\.rawValue)), "one register only"),
                    QueryParameter("level", .string(enumeration: UnitLevel.allCases.map(\.rawValue)), "one level only"),
                    QueryParameter("within", .id, "only units inside this unit")] + QueryParameter.paging,
            returns: APISchemas.page(of: "Unit")) { request, context in
        let page = try Page(request)
        let q = request.uri.queryParameters
        let within = try q.get("within").map { text -> Int in
            guard let n = Int(text), n > 0 else { throw AppError.malformed("within phải là mã số đơn vị (within must be a unit id)", field: "?within") }
            return n
        }
        let items = try await platform.unitRegister.search(.init(text: q.get("q") ?? "", register: q.get("register"), level: q.get("level"),
                                                                 within: within), by: context.user, limit: page.limit, offset: page.offset)
        return try JSONOutput.response(Paged(items: items, limit: page.limit, offset: page.offset))
    }

    api.add(.get, "/api/v1/units/{id}", "Một đơn vị, đơn vị cha, số đơn vị trực thuộc, đơn vị tiền thân và kế thừa qua 01/07/2025 (a unit)",
            tag: "units", action: .readUnits, returns: .ref("UnitDetail")) { _, context in
        let d = try await platform.unitRegister.detail(try intParameter(context, "id"), by: context.user)
        return try JSONOutput.response(UnitDetailView(unit: d.unit, parent: d.parent, children: d.children.count,
                                                      successors: d.successors.map { .init(unit: $0.unit, isDefault: $0.isDefault) },
                                                      predecessors: d.predecessors))
    }

    api.add(.get, "/api/v1/units/{id}/children", "Các đơn vị trực thuộc (children)", tag: "units", action: .readUnits,
            returns: .array(.ref("Unit"))) { _, context in
        try JSONOutput.response(try await platform.unitRegister.children(of: try intParameter(context, "id"), by: context.user))
    }

    api.add(.post, "/api/v1/units/{id}/agencies", "Thêm cơ quan được đo lường (sở, ban, ngành, bộ phận một cửa) dưới một đơn vị", tag: "units",
            action: .manageAgencies, request: APISchemas.newAgency, responses: [201], returns: .ref("Unit")) { request, context in
        let body = try await JSONBody.read(request, schema: APISchemas.newAgency)
        let agency = try await platform.unitRegister.addAgency(.init(code: try body.string("code")!, name: try body.string("name")!,
                                                                     kind: try body.string("kind", required: false)),
                                                               under: try intParameter(context, "id"), by: context.user)
        return try JSONOutput.response(agency, status: .created)
    }
}
