/// Reading a campaign's responses in storage order (the compact responses the index reads, and
/// exports) walked the unique key and then sorted every row; this index hands them over in order,
/// and from any id on (the rows stored since the last read).
let responsesInStorageOrder = Migration(version: 2, name: "responses in storage order") { _ in
    ["CREATE INDEX responses_campaign_order ON responses(campaign_id, id)"]
}
