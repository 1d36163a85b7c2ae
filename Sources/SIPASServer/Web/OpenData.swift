import Foundation
import SIPASApp
import SIPASCore
import SIPASFormats

/// A published campaign's figures as open data: every node for every unit and for the whole
/// campaign, as CSV (`.` decimals, full precision) and JSON, described by a Frictionless Data
/// Package (`datapackage.json`). Only the public aggregates: withheld groups are absent and
/// blanked figures are empty.
struct OpenData: Sendable {
    let campaign: Campaign
    let units: [(code: String, name: String)]
    let byUnit: IndexResult
    let pooled: IndexResult

    static func make(_ platform: Platform, code: String) async throws -> OpenData {
        let published = try await platform.dashboards.publishedContext(code: code)
        let tables = try await platform.dashboards.publishedTables(published)
        return OpenData(campaign: published.campaign, units: published.units.map { ($0.unit.code, $0.unit.name) },
                        byUnit: tables.byUnit, pooled: tables.pooled)
    }

    static let unitColumns = ["unit_code", "unit_name", "index", "node", "title", "depth", "estimate", "se", "ci_low", "ci_high", "n"]
    static let campaignColumns = ["index", "node", "title", "depth", "estimate", "se", "ci_low", "ci_high", "n"]

    private var names: [String: String] { Dictionary(units.map { ($0.code, $0.name) }) { a, _ in a } }

    private static func figures(_ r: IndexResult.Row) -> [String] {
        [r.estimate, r.se, r.ciLow, r.ciHigh].map { $0.map(DecimalText.plain) ?? "" } + [String(r.n)]
    }

    func unitsCSV() -> String {
        let names = self.names
        var lines = [CSVLine.encode(Self.unitColumns)]
        for r in byUnit.rows {
            let code = r.group.first ?? ""
            lines.append(CSVLine.encodeForSpreadsheet(text: [code, names[code] ?? code, r.index, r.node, r.title], numbers: [String(r.depth)] + Self.figures(r)))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func campaignCSV() -> String {
        var lines = [CSVLine.encode(Self.campaignColumns)]
        for r in pooled.rows {
            lines.append(CSVLine.encodeForSpreadsheet(text: [r.index, r.node, r.title], numbers: [String(r.depth)] + Self.figures(r)))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func unitsJSON() -> String {
        let names = self.names
        let rows: [[String: Any]] = byUnit.rows.map { r in
            let code = r.group.first ?? ""
            return ["unit_code": code, "unit_name": names[code] ?? code, "index": r.index, "node": r.node, "title": r.title, "depth": r.depth,
                    "estimate": r.estimate ?? NSNull(), "se": r.se ?? NSNull(), "ci_low": r.ciLow ?? NSNull(), "ci_high": r.ciHigh ?? NSNull(), "n": r.n]
        }
        return JSONText.encode(["campaign": campaign.code, "year": campaign.year, "title": campaign.title, "rows": rows])
    }

    func descriptor() -> String {
        func field(_ name: String, _ type: String, _ description: String) -> [String: Any] {
            ["name": name, "type": type, "description": description]
        }
        let figures = [field("estimate", "number", "tỷ lệ hài lòng, phần trăm (satisfaction, percent)"),
                       field("se", "number", "sai số chuẩn, điểm phần trăm (standard error)"),
                       field("ci_low", "number", "cận dưới khoảng tin cậy 95%"), field("ci_high", "number", "cận trên khoảng tin cậy 95%"),
                       field("n", "integer", "số phiếu hợp lệ (valid responses)")]
        let node = [field("index", "string", "mã chỉ số gốc (tree root)"), field("node", "string", "mã chỉ tiêu (node code)"),
                    field("title", "string", "tên chỉ tiêu"), field("depth", "integer", "cấp trong cây, 0 là chỉ số")]
        let descriptor: [String: Any] = [
            "profile": "tabular-data-package",
            "name": "sipas-" + campaign.code.lowercased().replacingOccurrences(of: "_", with: "-"),
            "title": campaign.title,
            "description": "Chỉ số hài lòng về sự phục vụ hành chính, \(campaign.year): số liệu đã công bố theo đơn vị và của cả kỳ; nhóm dưới \(campaign.disclosureMinN) phiếu không được công bố.",
            "licenses": [["name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"]],
            "resources": [
                ["name": "units", "path": "data/units.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                 "encoding": "utf-8", "schema": ["fields": [field("unit_code", "string", "mã đơn vị"), field("unit_name", "string", "tên đơn vị")] + node + figures,
                                                 "missingValues": [""]]],
                ["name": "campaign", "path": "data/campaign.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                 "encoding": "utf-8", "schema": ["fields": node + figures, "missingValues": [""]]],
            ],
        ]
        return JSONText.encode(descriptor)
    }
}
