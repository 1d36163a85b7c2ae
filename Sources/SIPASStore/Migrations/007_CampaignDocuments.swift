/// What an office needs to run and sign a campaign from the screens: who issues and signs its
/// report, and why a phase was stepped back. Campaigns are sealed again once this is applied
/// (their sealed state now covers these columns).
let campaignDocuments = Migration(version: 7, name: "campaign documents") { _ in
    [
        "ALTER TABLE campaigns ADD COLUMN issuer TEXT",
        "ALTER TABLE campaigns ADD COLUMN signer_capacity TEXT",
        "ALTER TABLE campaigns ADD COLUMN signer_title TEXT",
        "ALTER TABLE campaigns ADD COLUMN signer_name TEXT",
        "ALTER TABLE campaign_status_changes ADD COLUMN reason TEXT",
    ]
}
