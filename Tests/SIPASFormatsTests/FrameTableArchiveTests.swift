import SIPASFormats
import Testing

@Suite struct FrameTableArchiveTests {
    @Test func aReadFrameComesBackExactlyWithItsLinesAndFormulas() throws {
        var table = RowsFrameTable(name: "khung.xlsx", header: ["Số hồ sơ", "Tên", ""], rows: [
            (2, ["HS-001", "Nguyễn Văn Ấn", ""]), (5, ["HS\u{1F}002", "dòng\nhai,\"ngoặc\"", "\u{0}"]), (70_000, ["", "", String(repeating: "x", count: 300)]),
        ])
        table.formulaCells = [(5, "Số hồ sơ", "A5")]
        let bytes = FrameTableArchive.encode(table)
        #expect(FrameTableArchive.isArchive(bytes))
        let back = try FrameTableArchive.decode(bytes, name: "khung.xlsx")
        #expect(back.header == table.header)
        #expect(back.rows.map(\.line) == [2, 5, 70_000])
        #expect(back.rows.map(\.values) == table.rows.map(\.values))
        #expect(back.formulaCells.map { "\($0.line) \($0.column) \($0.reference)" } == ["5 Số hồ sơ A5"])
        #expect(throws: FrameTableArchive.Unreadable.self) { try FrameTableArchive.decode(Array(bytes.dropLast(3)), name: "x") }
        #expect(throws: FrameTableArchive.Unreadable.self) { try FrameTableArchive.decode(Array("Số hồ sơ\n".utf8), name: "x") }
    }
}
