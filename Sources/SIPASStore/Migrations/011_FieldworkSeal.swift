/// Fieldwork under the audit chain (`FieldworkSeal`): each case's keyed MAC of its fieldwork
/// state, and the newest recorded seal of a campaign found in one index step, not by scanning
/// the log backwards.
let fieldworkSeal = Migration(version: 11, name: "fieldwork seal") { _ in
    [
        "ALTER TABLE cases ADD COLUMN seal TEXT",
        "CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id)",
    ]
}
