import Foundation
import Hummingbird
import SIPASApp
import SIPASStore

func registerAuditRoutes(_ api: APIRoutes, _ platform: Platform) {
    api.add(.get, "/api/v1/audit", "Nhật ký thay đổi (audit log), mới nhất trước", tag: "audit", action: .readAudit,
            query: [QueryParameter("entity", .string(maxLength: 100, minLength: 0), "only entries about this kind of entity (campaign, user, …)"),
                    QueryParameter("action", .string(maxLength: 100, minLength: 0), "only this action (campaign.status, auth.failure, …)"),
                    QueryParameter("actor", .string(maxLength: 100, minLength: 0), "only entries by this account name"),
                    QueryParameter("since", .string(format: "date"), "from this date (YYYY-MM-DD, UTC)"),
                    QueryParameter("until", .string(format: "date"), "before this date")] + QueryParameter.paging,
            returns: APISchemas.page(of: "AuditEntry")) { request, context in
        let page = try Page(request)
        let q = request.uri.queryParameters
        for key in ["since", "until"] {
            if let value = q.get(key), value.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", options: .regularExpression) == nil {
                throw AppError.malformed("\(key) phải là ngày dạng YYYY-MM-DD", field: "?\(key)")
            }
        }
        // An empty filter is no filter.
        let value = { (key: String) in q.get(key).flatMap { $0.isEmpty ? nil : $0 } }
        let filter = AuditLog.Filter(entity: value("entity"), action: value("action"), actor: value("actor"), since: value("since"),
                                     until: value("until"))
        let items = try await platform.audit.list(by: context.user, filter: filter, limit: page.limit, offset: page.offset)
        return try JSONOutput.response(Paged(items: items, limit: page.limit, offset: page.offset))
    }

    api.add(.get, "/api/v1/audit/verify", "Kiểm tra nhật ký: chuỗi khóa, điểm kiểm tra đầu chuỗi, phiếu và tài khoản (verify)", tag: "audit",
            action: .readAudit, returns: .ref("AuditVerification")) { _, context in
        let v = try await platform.audit.verify(by: context.user)
        return try JSONOutput.raw(["entries": v.entries, "intact": v.intact, "first_broken": v.firstBroken as Any? ?? NSNull(),
                                   "reason": v.reason as Any? ?? NSNull(), "problems": v.problems])
    }
}
