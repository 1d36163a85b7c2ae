import SIPASCore
import SIPASStore

/// The audit log: reading it with filters, and verifying the chain and what it vouches for.
public struct AuditTrail: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    public func list(by user: User?, filter: AuditLog.Filter, limit: Int, offset: Int) async throws -> [AuditLog.Entry] {
        _ = try platform.require(user, .readAudit)
        for (field, value) in [("?entity", filter.entity), ("?action", filter.action), ("?actor", filter.actor)] {
            if let value, value.count > 100 || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw AppError.invalid("bộ lọc không hợp lệ", field: field)
            }
        }
        do { return try await platform.store.audit.list(limit: limit, offset: offset, filter: filter) } catch { throw AppError.from(error) }
    }

    /// `operator`: the command line run by the server's operator, who needs no account.
    public func verify(by user: User?, operator isOperator: Bool = false) async throws -> AuditLog.Verification {
        if !isOperator { _ = try platform.require(user, .readAudit) }
        do { return try await platform.expensive.run { try await platform.store.audit.verify() } } catch { throw AppError.from(error) }
    }

    public var keyFile: String { platform.db.auditSeal.keyFile }
}
