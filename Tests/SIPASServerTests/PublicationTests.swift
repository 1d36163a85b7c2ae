import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SIPASApp
import SIPASCore
import SIPASStore
@testable import SIPASServer

/// Publication as users and visitors meet it: nothing of a campaign is public before the audited
/// step; afterwards every public page, open-data file, widget and badge answers anyone, cached
/// with an ETag; a unit below the disclosure floor never appears; withdrawing hides it all again.
@Suite struct PublicationTests {
    static func pages(_ code: String, unit: String) -> [String] {
        ["/public/\(code)", "/public/\(code)/method", "/public/\(code)/units/\(unit)", "/public/\(code)/units/\(unit)/widget",
         "/public/\(code)/units/\(unit)/badge.svg", "/public/\(code)/data/units.csv", "/public/\(code)/data/units.json",
         "/public/\(code)/data/campaign.csv", "/public/\(code)/datapackage.json"]
    }

    @Test(arguments: TestEngine.available)
    func nothingIsPublicBeforePublicationAndLowNNeverIs(engine: TestEngine) async throws {
        try await withServer(engine) { (s: TestServer) async throws in
            let admin = try await s.platform.accounts.find(username: "admin")
            // Four communes: three well above the floor, Khánh Khê below it.
            var units: [AdminUnit] = []
            for code in ["06280", "06283", "06298", "06286"] {
                units.append(try #require(try await s.services.units.find(register: .legacy, level: .commune, code: code)))
            }
            let campaign = try await s.platform.campaigns.create(.init(code: "PUB-1", year: 2025, title: "Kỳ công bố thử", questionnaireCode: "sipas-2017",
                                                                       questionnaireVersion: 1, ownerUnitId: units[0].parentId,
                                                                       units: units.map { .init(unitId: $0.id, targetPercent: 80) }),
                                                                 by: admin)
            for next in ["sampling", "fieldwork", "entry"] { _ = try await s.platform.campaigns.setStatus(campaign.id, to: next, reason: "kiểm thử", by: admin) }
            let csv = "response_id,unit,A1,A2\n" + (0..<125).map { "P\($0),\(["06280", "06283", "06298", "06286"][min($0 / 40, 3)]),\($0 % 5 + 1),4" }
                .joined(separator: "\n") + "\n"
            _ = try await s.platform.responses.importCSV(.bytes(Array(csv.utf8)), campaign: campaign.id, by: admin)
            _ = try await s.platform.campaigns.setStatus(campaign.id, to: "analysis", reason: "kiểm thử", by: admin)

            let pages = Self.pages("PUB-1", unit: "06280")
            for page in pages {
                #expect(try await s.page(page, cookie: nil).status == 404, "\(page) is public before publication")
            }
            #expect(!(try await s.page("/public", cookie: nil).body.contains("PUB-1")))

            // A commune's viewer may not publish; the province's administrator does, on the campaign page.
            let viewer = try await s.signIn("xa.diemhe")
            let viewerToken = String(try #require(try await s.page("/campaigns", cookie: viewer).body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            #expect(try await s.post("/campaigns/\(campaign.id)/publish", form: "_csrf=\(viewerToken)&confirm=yes", cookie: viewer).status == 403)
            #expect(try await s.page("/campaigns/\(campaign.id)/publish", cookie: viewer).status == 403, "the preview is the administrators'")
            let province = try await s.signIn("snv.langson")
            let page = try await s.page("/campaigns/\(campaign.id)", cookie: province)
            #expect(page.body.contains("Xem trước và công bố kết quả"))
            let token = String(try #require(page.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1))
            // The next step from analysis is the preview: what becomes public, the small unit left out.
            let step = try await s.post("/campaigns/\(campaign.id)/status", form: "_csrf=\(token)&from=analysis", cookie: province)
            #expect(step.status == 303 && step.headers[.location] == "/campaigns/\(campaign.id)/publish")
            let preview = try await s.page("/campaigns/\(campaign.id)/publish", cookie: province)
            #expect(preview.status == 200 && preview.body.contains("không cần đăng nhập"))
            // The small unit is named among those without a public index, never ranked with its figures.
            #expect(preview.body.contains("Không công bố chỉ số chung của:") && preview.body.contains("Khánh Khê") && !preview.body.contains("Khánh Khê</a>"))
            let unconfirmed = try await s.post("/campaigns/\(campaign.id)/publish", form: "_csrf=\(token)", cookie: province)
            let stillAnalysis = try await s.services.campaigns.findCommitted(id: campaign.id)?.status
            #expect(unconfirmed.status == 422 && stillAnalysis == .analysis)
            #expect(try await s.post("/campaigns/\(campaign.id)/publish", form: "_csrf=\(token)&confirm=yes", cookie: province).status == 303)
            let audit = try await s.services.audit.list(limit: 50, offset: 0, filter: .init(entity: "campaign", action: "campaign.status"))
            #expect(audit.contains { $0.entityId == String(campaign.id) && $0.detail == "analysis→published" }, "the publication is in the audit log")

            for page in pages {
                let reply = try await s.page(page, cookie: nil)
                #expect(reply.status == 200, "\(page): \(reply.status)")
                #expect(reply.headers[.eTag] != nil && reply.headers[.cacheControl]?.contains("public") == true, "\(page) carries caching headers")
                #expect(!reply.body.contains("06286") && !reply.body.contains("Khánh Khê"), "\(page) shows the unit below the floor")
                let framing = reply.headers[.contentSecurityPolicy] ?? ""
                #expect(page.hasSuffix("/widget") == framing.contains("frame-ancestors *"), "\(page): only the widget may be framed")
                #expect(page.hasSuffix("/widget") == (reply.headers[HTTPField.Name("X-Frame-Options")!] == nil))
            }
            let first = try await s.page(pages[0], cookie: nil)
            let again = try await s.client.execute(uri: pages[0], method: .get, headers: [.ifNoneMatch: first.headers[.eTag]!]) { Int($0.status.code) }
            #expect(again == 304)
            let openData = try await s.page("/public/PUB-1/data/units.csv", cookie: nil).body
            #expect(openData.hasPrefix("unit_code,unit_name,index,node,title,depth,estimate,se,ci_low,ci_high,n"))
            // Below the floor, with another withheld with it (else the total would give it back).
            let shown = Set(openData.split(separator: "\n").dropFirst().map { String($0.prefix(5)) })
            #expect(shown.count <= 2 && !shown.contains("06286"), "\(shown)")
            // The small unit's own pages say its figures are not public, and its badge shows none.
            let smallPage = try await s.page("/public/PUB-1/units/06286", cookie: nil)
            #expect(smallPage.status == 200 && smallPage.body.contains("Số liệu của đơn vị này không được công bố") && !smallPage.body.contains("class=\"figure\""))
            #expect(try await s.page("/public/PUB-1/units/06286/badge.svg", cookie: nil).body.contains("chưa đủ phiếu"))
            // A visitor never reaches the signed-in pages or the API through the public ones.
            #expect(try await s.page("/campaigns/\(campaign.id)/dashboard", cookie: nil).status == 303)

            // Withdrawn: nothing public again at once.
            let back = try await s.post("/campaigns/\(campaign.id)/status/back", form: "_csrf=\(token)&from=published&confirm=yes&reason=Thu+h%E1%BB%93i", cookie: province)
            #expect(back.status == 303)
            for page in pages {
                #expect(try await s.page(page, cookie: nil).status == 404, "\(page) is still public after withdrawal")
            }
        }
    }
}

/// Reads a workbook's cells back as a spreadsheet program does, with openpyxl (installed by the
/// test command): an independent reader, not ours.
enum SpreadsheetReader {
    static func cells(_ xlsx: [UInt8]) throws -> [String] {
        try read(xlsx, as: [String].self, """
            print(json.dumps([str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]))
            """) ?? []
    }

    /// How each sheet prints, as openpyxl reads it: orientation, paper, fit, repeated titles.
    static func pageSetup(_ xlsx: [UInt8]) throws -> [[String: String]] {
        try read(xlsx, as: [[String: String]].self, """
            print(json.dumps([{"sheet": ws.title, "orientation": str(ws.page_setup.orientation), "paper": str(ws.page_setup.paperSize),
                               "fitToPage": str(ws.sheet_properties.pageSetUpPr.fitToPage), "fitToWidth": str(ws.page_setup.fitToWidth),
                               "fitToHeight": str(ws.page_setup.fitToHeight), "titles": str(ws.print_title_rows),
                               "wrapped": str(all(c.alignment.wrap_text for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)))}
                              for ws in wb.worksheets]))
            """) ?? []
    }

    /// Runs `script` with the workbook open as `wb` and decodes the JSON it prints.
    private static func read<T: Decodable>(_ xlsx: [UInt8], as type: T.Type, _ script: String) throws -> T? {
        let path = NSTemporaryDirectory() + "sipas-test-\(UUID().uuidString).xlsx"
        try Data(xlsx).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import json, sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\n" + script, path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("openpyxl could not read the workbook (python3 with openpyxl is installed by scripts/test-dependencies.sh)")
            return nil
        }
        return try JSONDecoder().decode(T.self, from: data)
    }
}

@Suite struct WorkbookPrintingTests {
    /// A spreadsheet program prints every sheet landscape on A4, one page wide, the header row on
    /// every page, long names wrapped — not 44 pages of one column group each.
    @Test func everySheetPrintsOnePageWideWithItsHeaderOnEveryPage() async throws {
        try await withServer(.sqlite) { s in
            let cookie = try await s.signIn("admin")
            let workbook = try await s.client.execute(uri: "/campaigns/\(s.campaign.id)/report.xlsx", method: .get, headers: [.cookie: cookie]) {
                Array(buffer: $0.body)
            }
            let sheets = try SpreadsheetReader.pageSetup(workbook)
            #expect(sheets.count >= 5)
            for sheet in sheets {
                #expect(sheet["orientation"] == "landscape" && sheet["paper"] == "9" && sheet["fitToPage"] == "True"
                        && sheet["fitToWidth"] == "1" && sheet["fitToHeight"] == "0" && ["1:1", "$1:$1"].contains(sheet["titles"] ?? "") && sheet["wrapped"] == "True", "\(sheet)")
            }
        }
    }
}
