import Foundation
import Hummingbird
import SIPASCore
import SIPASStore

func registerAuditRoutes(_ api: APIRoutes, _ services: Services) {
    api.add(.get, "/api/v1/audit", "Nhật ký thay đổi (audit log), mới nhất trước", tag: "audit", action: .readAudit,
            query: [QueryParameter("entity", .string, "only entries about this kind of entity (campaign, user, …)")] + QueryParameter.paging,
            returns: APISchemas.page(of: "AuditEntry")) { request, context in
        _ = try context.require(.readAudit)
        let page = try Page(request)
        let items = try await services.audit.list(limit: page.limit, offset: page.offset, entity: request.uri.queryParameters.get("entity"))
        return try JSONOutput.response(Paged(items: items, limit: page.limit, offset: page.offset))
    }

    api.add(.get, "/api/v1/audit/verify", "Kiểm tra chuỗi băm của nhật ký (verify the hash chain)", tag: "audit", action: .readAudit,
            returns: .ref("AuditVerification")) { _, context in
        _ = try context.require(.readAudit)
        let v = try await services.audit.verify()
        return try JSONOutput.raw(["entries": v.entries, "intact": v.firstBroken == nil, "first_broken": v.firstBroken as Any? ?? NSNull(),
                                   "reason": v.reason as Any? ?? NSNull()])
    }
}
