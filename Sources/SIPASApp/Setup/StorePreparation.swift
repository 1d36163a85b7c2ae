import Logging
import SIPASStore

/// Prepares storage: schema migrations, the unit registers, the built-in questionnaires, and —
/// the first time the audit key exists — the chain written before it, sealed under it.
public func prepareStore(_ db: Database, logger: Logger) async throws {
    let applied = try await Migrator.migrate(db)
    if !applied.isEmpty { logger.info("migrations applied", metadata: ["versions": "\(applied)"]) }
    let log = AuditLog(db)
    let sealed = try await log.sealLegacyChain()
    if sealed > 0 { logger.notice("audit chain sealed under the new key", metadata: ["entries": "\(sealed)", "key": "\(db.auditSeal.keyFile)"]) }
    if applied.contains(SealedState.sinceVersion) {
        // A database written before its state was sealed: what it holds now is what is vouched for.
        try await db.transaction { try await log.adoptState(SealedState.Kind.allCases, on: $0) }
    } else if applied.contains(SealedState.campaignsExtendedInVersion) || applied.contains(SealedState.samplingSealedInVersion) {
        // The campaign's sealed state now covers its report signature and the reasons of steps back.
        try await db.transaction { try await log.adoptState([.campaign], again: true, on: $0) }
    }
    if applied.contains(FieldworkSeal.sinceVersion) {
        // Post offices and the fieldwork of a database written before they were sealed.
        try await db.transaction { sql in
            // Their creation was recorded without their state: every post office's is recorded now.
            try await log.adoptState([.postOffice], again: true, on: sql)
            try await ResponseRepository(db).joinCases(on: sql)
            for id in try await SealedState.ids(.campaign, on: sql) { try await FieldworkSeal(db).adopt(campaignId: Int(id)!, on: sql) }
        }
    }
    if let loaded = try await UnitRegisterLoader.loadIfEmpty(db) {
        logger.info("unit registers loaded", metadata: ["units": "\(loaded.units)", "successors": "\(loaded.successors)"])
        try await db.transaction { sql in
            for id in try await SealedState.ids(.units, on: sql) {
                try await log.recordState(.units, id: id, action: "units.load", userId: nil, actor: "system", detail: "register as loaded", on: sql)
            }
        }
    }
    try await db.transaction { sql in
        for id in try await QuestionnaireRepository(db).ensureBuiltins(on: sql) {
            try await log.recordState(.questionnaire, id: String(id), action: "questionnaire.builtin", userId: nil, actor: "system", on: sql)
        }
    }
}
