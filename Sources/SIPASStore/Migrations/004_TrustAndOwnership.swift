/// What trust needs of the schema: each campaign's disclosure floor, target comparators ("trên"
/// or "đạt"), questionnaire ownership (built-ins are read-only), the audit entry that stored each
/// response (so verification finds responses edited or deleted afterwards), and uniqueness of
/// codes and user names regardless of case.
let trustAndOwnership = Migration(version: 4, name: "trust and ownership") { _ in
    [
        "ALTER TABLE campaigns ADD COLUMN disclosure_min_n INTEGER NOT NULL DEFAULT 30",
        "ALTER TABLE campaign_units ADD COLUMN target_comparator TEXT",
        "UPDATE campaign_units SET target_comparator = '>' WHERE target_percent IS NOT NULL",
        "ALTER TABLE questionnaires ADD COLUMN owner_unit_id BIGINT REFERENCES units(id)",
        "ALTER TABLE questionnaires ADD COLUMN builtin INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE responses ADD COLUMN audit_id BIGINT",
        "CREATE INDEX responses_audit ON responses(audit_id)",
        "CREATE UNIQUE INDEX campaigns_code_ci ON campaigns(lower(code))",
        "CREATE UNIQUE INDEX users_username_ci ON users(lower(username))",
        "CREATE UNIQUE INDEX questionnaires_code_ci ON questionnaires(lower(code), version)",
        "CREATE UNIQUE INDEX units_agency_code_ci ON units(lower(code)) WHERE register = 'local'",
    ]
}
