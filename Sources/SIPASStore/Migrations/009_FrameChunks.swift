/// Frame rows stored in chunks of consecutive rows instead of a table row per dossier: a
/// million-row frame is two hundred inserts and reads, not a million (a row per dossier cost more
/// than the whole check of the file). A chunk's design columns and its sealed contacts are two
/// texts, so a draw reads none of the contacts; each record's contacts stay sealed on their own,
/// bound to frame and key, as before. Beside the chunks, what is asked of the frame row by row
/// stays in small tables: the rows per unit, and the dossiers of the same person with the
/// official's choice of which one stays. Cases lose their unique frame key: a draw's keys are
/// unique by construction, and the index cost a second per quarter-million cases drawn.
let frameChunks = Migration(version: 9, name: "frame_chunks") { engine in
    let postgres = engine == .postgres
    let separator = postgres ? "chr(31)" : "char(31)"
    // The record format of `FrameChunk`: fields joined by U+001F, a present value marked by a
    // leading '~', an absent one empty.
    let fields = ["CAST(line AS TEXT)", "row_key", "CAST(unit_id AS TEXT)", "unit_code", "area", "service", "procedure_name", "agency",
                  "completed_on"]
    let record = fields.map { "COALESCE('~' || \($0), '')" }.joined(separator: " || \(separator) || ")
    let joined = postgres ? "string_agg(r, chr(30) ORDER BY line)" : "group_concat(r, char(30) ORDER BY line)"
    let contacts = postgres ? "string_agg(COALESCE(sealed, ''), chr(30) ORDER BY line)" : "group_concat(COALESCE(sealed, ''), char(30) ORDER BY line)"
    let casesWithoutUniqueKey: [String] = postgres ? ["ALTER TABLE cases DROP CONSTRAINT cases_campaign_id_frame_key_key"] : [
        """
        CREATE TABLE cases_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
            draw_id BIGINT NOT NULL REFERENCES sampling_draws(id),
            number INTEGER NOT NULL,
            code TEXT NOT NULL,
            frame_key TEXT NOT NULL,
            unit_id BIGINT NOT NULL,
            stratum TEXT NOT NULL,
            first_stratum TEXT NOT NULL,
            psu TEXT,
            role TEXT NOT NULL,
            draw_order INTEGER NOT NULL,
            pi DOUBLE PRECISION NOT NULL,
            design_weight DOUBLE PRECISION NOT NULL,
            status TEXT NOT NULL,
            UNIQUE (campaign_id, code))
        """,
        "INSERT INTO cases_new SELECT id, campaign_id, draw_id, number, code, frame_key, unit_id, stratum, first_stratum, psu, role, draw_order, pi, design_weight, status FROM cases",
        "DROP TABLE cases",
        "ALTER TABLE cases_new RENAME TO cases",
        "CREATE INDEX cases_draw ON cases (draw_id, stratum, draw_order)",
    ]
    return [
        """
        CREATE TABLE sampling_frame_chunks (
            frame_id BIGINT NOT NULL REFERENCES sampling_frames(id),
            chunk INTEGER NOT NULL,
            first_line INTEGER NOT NULL,
            row_count INTEGER NOT NULL,
            content TEXT NOT NULL,
            contacts TEXT NOT NULL,
            PRIMARY KEY (frame_id, chunk))
        """,
        """
        CREATE TABLE sampling_frame_units (
            frame_id BIGINT NOT NULL REFERENCES sampling_frames(id),
            unit_id BIGINT NOT NULL,
            row_count INTEGER NOT NULL,
            PRIMARY KEY (frame_id, unit_id))
        """,
        """
        CREATE TABLE sampling_frame_people (
            frame_id BIGINT NOT NULL REFERENCES sampling_frames(id),
            person_group INTEGER NOT NULL,
            line INTEGER NOT NULL,
            row_key TEXT NOT NULL,
            unit_id BIGINT NOT NULL,
            kept INTEGER NOT NULL,
            PRIMARY KEY (frame_id, row_key))
        """,
        """
        INSERT INTO sampling_frame_chunks (frame_id, chunk, first_line, row_count, content, contacts)
        SELECT frame_id, n / \(FrameChunkLayout.rowsPerChunk), MIN(line), COUNT(*), \(joined), \(contacts)
        FROM (SELECT frame_id, line, sealed, ROW_NUMBER() OVER (PARTITION BY frame_id ORDER BY line) - 1 AS n, \(record) AS r
              FROM sampling_frame_rows) numbered
        GROUP BY frame_id, n / \(FrameChunkLayout.rowsPerChunk)
        """,
        "INSERT INTO sampling_frame_units (frame_id, unit_id, row_count) SELECT frame_id, unit_id, COUNT(*) FROM sampling_frame_rows GROUP BY frame_id, unit_id",
        """
        INSERT INTO sampling_frame_people (frame_id, person_group, line, row_key, unit_id, kept)
        SELECT frame_id, person_group, line, row_key, unit_id, kept FROM sampling_frame_rows WHERE person_group IS NOT NULL
        """,
        "DROP TABLE sampling_frame_rows",
    ] + casesWithoutUniqueKey
}

/// Fixed for stored data: chunks written before a change keep their size.
enum FrameChunkLayout {
    static let rowsPerChunk = 5000
}
