/// Each campaign's compact responses (what the index reads) as one stored value, so that a
/// restarted server has them back at once; rebuilt from the responses whenever it does not
/// match them.
let compactResponseSnapshots = Migration(version: 3, name: "compact response snapshots") { engine in
    ["""
     CREATE TABLE compact_response_snapshots (
         campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id),
         format INTEGER NOT NULL,
         last_id BIGINT NOT NULL,
         row_count BIGINT NOT NULL,
         data \(engine == .sqlite ? "BLOB" : "BYTEA") NOT NULL,
         saved_at TEXT NOT NULL
     )
     """]
}
