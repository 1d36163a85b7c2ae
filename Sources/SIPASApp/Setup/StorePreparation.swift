import Logging
import SIPASStore

/// Prepares storage: schema migrations, the unit registers, the built-in questionnaires, and —
/// the first time the audit key exists — the chain written before it, sealed under it.
public func prepareStore(_ db: Database, logger: Logger) async throws {
    let applied = try await Migrator.migrate(db)
    if !applied.isEmpty { logger.info("migrations applied", metadata: ["versions": "\(applied)"]) }
    if let loaded = try await UnitRegisterLoader.loadIfEmpty(db) {
        logger.info("unit registers loaded", metadata: ["units": "\(loaded.units)", "successors": "\(loaded.successors)"])
    }
    try await db.transaction { try await QuestionnaireRepository(db).ensureBuiltins(on: $0) }
    let sealed = try await AuditLog(db).sealLegacyChain()
    if sealed > 0 { logger.notice("audit chain sealed under the new key", metadata: ["entries": "\(sealed)", "key": "\(db.auditSeal.keyFile)"]) }
}
