/// Sealing what decides figures and access: every session row carries a keyed seal (a row planted
/// in the database without the key opens nothing), and from this version campaigns, questionnaires
/// and units have their state recorded in the audit chain (`SealedState`; adopted at this
/// migration for a database written before).
let sealedState = Migration(version: 6, name: "sealed state") { _ in
    [
        "ALTER TABLE sessions ADD COLUMN seal TEXT",
        // Sessions opened before they were sealed end here.
        "DELETE FROM sessions",
    ]
}
