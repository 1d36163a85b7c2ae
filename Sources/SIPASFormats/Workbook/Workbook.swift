import SIPASCore

/// A spreadsheet workbook (Office Open XML, `.xlsx`): sheets of a header row and rows of cells.
/// Numbers are stored at full precision and shown with two decimals; the header row is bold and
/// frozen; text that a spreadsheet would run as a formula is neutralised.
public struct Workbook: Sendable {
    public enum Cell: Sendable, Equatable {
        /// Shown with two decimals ("92.70"); the stored value keeps every digit.
        case decimal(Double?)
        case integer(Int?)
        case text(String)
        case empty
    }

    public struct Sheet: Sendable {
        public var name: String
        public var header: [String]
        public var rows: [[Cell]]
        /// Column widths in characters; missing ones default.
        public var widths: [Double]

        public init(name: String, header: [String], rows: [[Cell]], widths: [Double] = []) {
            self.name = name
            self.header = header
            self.rows = rows
            self.widths = widths
        }
    }

    public var sheets: [Sheet]
    public init(sheets: [Sheet]) { self.sheets = sheets }

    /// The `.xlsx` file.
    public func xlsx() -> [UInt8] {
        var strings = SharedStrings()
        var zip = ZipArchive()
        var sheetFiles: [[UInt8]] = []
        for sheet in sheets { sheetFiles.append(Array(Self.sheetXML(sheet, strings: &strings).utf8)) }
        zip.add("[Content_Types].xml", Array(contentTypes.utf8))
        zip.add("_rels/.rels", Array(Self.packageRelationships.utf8))
        zip.add("xl/workbook.xml", Array(workbookXML.utf8))
        zip.add("xl/_rels/workbook.xml.rels", Array(workbookRelationships.utf8))
        zip.add("xl/styles.xml", Array(Self.styles.utf8))
        zip.add("xl/sharedStrings.xml", Array(strings.xml().utf8))
        for (i, file) in sheetFiles.enumerated() { zip.add("xl/worksheets/sheet\(i + 1).xml", file) }
        return zip.finished()
    }

    /// Sheet names: at most 31 characters, none of `[]:*?/\`, unique.
    var sheetNames: [String] {
        var seen = Set<String>()
        return sheets.enumerated().map { i, sheet in
            var name = String(sheet.name.unicodeScalars.filter { !"[]:*?/\\".unicodeScalars.contains($0) }.map(Character.init).prefix(31))
            if name.isEmpty || seen.contains(name) { name = String(name.prefix(26)) + " (\(i + 1))" }
            seen.insert(name)
            return name
        }
    }

    private var contentTypes: String {
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        out += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#
        out += #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        out += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        out += #"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
        for i in sheets.indices {
            out += #"<Override PartName="/xl/worksheets/sheet\#(i + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        return out + "</Types>"
    }

    private static let packageRelationships = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#

    private var workbookXML: String {
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
        for (i, name) in sheetNames.enumerated() {
            out += #"<sheet name="\#(XMLText.escape(name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }
        out += "</sheets><definedNames>"
        // Each sheet's header row is printed again at the top of every page.
        for (i, name) in sheetNames.enumerated() {
            out += #"<definedName name="_xlnm.Print_Titles" localSheetId="\#(i)">'\#(XMLText.escape(name.replacingOccurrences(of: "'", with: "''")))'!$1:$1</definedName>"#
        }
        return out + "</definedNames></workbook>"
    }

    private var workbookRelationships: String {
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in sheets.indices {
            out += #"<Relationship Id="rId\#(i + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"#
        }
        out += #"<Relationship Id="rId\#(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        out += #"<Relationship Id="rId\#(sheets.count + 2)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
        return out + "</Relationships>"
    }

    /// Styles: 0 plain, 1 two decimals, 2 a whole number with thousands, 3 the bold header, 4 text
    /// that wraps (long names stay whole on paper).
    private static let styles = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"><alignment wrapText="1" vertical="top"/></xf><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#

    private static func sheetXML(_ sheet: Sheet, strings: inout SharedStrings) -> String {
        let columns = max(sheet.header.count, sheet.rows.map(\.count).max() ?? 0)
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        // Printed landscape on A4, as wide as one page and as long as it needs.
        out += #"<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>"#
        out += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>"#
        if columns > 0 {
            out += "<cols>"
            for c in 0..<columns {
                let width = c < sheet.widths.count ? sheet.widths[c] : 14
                out += #"<col min="\#(c + 1)" max="\#(c + 1)" width="\#(width)" customWidth="1"/>"#
            }
            out += "</cols>"
        }
        out += "<sheetData>"
        out.reserveCapacity(sheet.rows.count * columns * 28)
        out += #"<row r="1">"#
        for (c, title) in sheet.header.enumerated() {
            out += #"<c r="\#(reference(c, 1))" t="s" s="3"><v>\#(strings.id(CSVLine.spreadsheetText(title)))</v></c>"#
        }
        out += "</row>"
        for (r, row) in sheet.rows.enumerated() {
            let line = r + 2
            out += #"<row r="\#(line)">"#
            for (c, cell) in row.enumerated() {
                switch cell {
                case let .decimal(value?) where value.isFinite:
                    out += #"<c r="\#(reference(c, line))" s="1"><v>\#(value)</v></c>"#
                case let .integer(value?):
                    out += #"<c r="\#(reference(c, line))" s="2"><v>\#(value)</v></c>"#
                case let .text(text) where !text.isEmpty:
                    out += #"<c r="\#(reference(c, line))" t="s" s="4"><v>\#(strings.id(CSVLine.spreadsheetText(text)))</v></c>"#
                default:
                    continue
                }
            }
            out += "</row>"
        }
        out += "</sheetData>"
        out += #"<pageMargins left="0.5" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>"#
        out += #"<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>"#
        out += #"<headerFooter><oddFooter>&amp;CTrang &amp;P/&amp;N</oddFooter></headerFooter>"#
        return out + "</worksheet>"
    }

    /// "A1"-style reference of zero-based column `c` in row `line`.
    static func reference(_ c: Int, _ line: Int) -> String {
        var name = "", n = c + 1
        while n > 0 {
            let digit = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + digit))) + name
            n = (n - 1) / 26
        }
        return name + String(line)
    }
}

/// Each distinct text once, cells refer to it by number.
struct SharedStrings {
    private var ids: [String: Int] = [:]
    private var texts: [String] = []
    private var uses = 0

    mutating func id(_ text: String) -> Int {
        uses += 1
        if let id = ids[text] { return id }
        ids[text] = texts.count
        texts.append(text)
        return texts.count - 1
    }

    func xml() -> String {
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(uses)" uniqueCount="\#(texts.count)">"#
        for text in texts { out += #"<si><t xml:space="preserve">\#(XMLText.escape(text))</t></si>"# }
        return out + "</sst>"
    }
}

/// XML character data and attribute values; characters XML 1.0 cannot carry are dropped.
enum XMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = scalar.value
                if v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v != 0xFFFE && v != 0xFFFF) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

extension Workbook {
    /// Sheets as one CSV for Excel set to Vietnamese (Windows' list separator `;`, decimal
    /// comma, as `vi-VN` has them): a UTF-8 byte-order mark (without it Excel reads the
    /// diacritics as Windows-1252), CRLF line ends, full-precision numbers, and text neutralised
    /// against formulas. The sheets must share their header.
    public func csvForExcel(sheets indices: [Int]) -> String {
        guard let first = indices.first else { return "\u{FEFF}" }
        var out = "\u{FEFF}" + sheets[first].header.map(Self.csvField).joined(separator: ";") + "\r\n"
        for index in indices {
            for row in sheets[index].rows {
                out += row.map { cell -> String in
                    switch cell {
                    case let .decimal(value?) where value.isFinite: return "\(value)".replacingOccurrences(of: ".", with: ",")
                    case let .integer(value?): return String(value)
                    case let .text(text): return Self.csvField(text)
                    default: return ""
                    }
                }.joined(separator: ";")
                out += "\r\n"
            }
        }
        return out
    }

    /// A text field for the `;`-separated file: quoted when it holds `;`, `,`, a quote or a line break.
    static func csvField(_ text: String) -> String {
        let safe = CSVLine.spreadsheetText(text)
        guard safe.contains(where: { $0 == ";" || $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
