/// Rows of the screens' largest tables (a national campaign's 3,321 units), written here rather
/// than by the template engine, whose per-field lookups cost more than the whole page may. Every
/// text is escaped on the way in; only these fixed tags are written around it.
struct HTMLRows: Sendable {
    private(set) var html = ""

    mutating func row(lowN: Bool = false, _ cells: (inout Row) -> Void) {
        var row = Row()
        cells(&row)
        html += lowN ? "<tr class=\"lown\">" : "<tr>"
        html += row.html
        html += "</tr>"
    }

    struct Row {
        fileprivate var html = ""

        /// The row's header cell, optionally a link.
        /// `keepTogether`: a short name (a unit's) that must not wrap between its words.
        mutating func header(_ text: String, href: String? = nil, keepTogether: Bool = false) {
            html += keepTogether && text.count <= 32 ? "<th scope=\"row\" class=\"unit\">" : "<th scope=\"row\">"
            if let href { html += "<a href=\"" + HTMLText.escape(href) + "\">" + HTMLText.escape(text) + "</a>" } else { html += HTMLText.escape(text) }
            html += "</th>"
        }

        /// `label`: the column's name, shown before the value where the table reflows on a phone.
        mutating func cell(_ text: String, numeric: Bool = false, label: String? = nil) {
            html += numeric ? "<td class=\"num\"" : "<td"
            if let label { html += " data-label=\"" + HTMLText.escape(label) + "\"" }
            html += ">"
            html += HTMLText.escape(text)
            html += "</td>"
        }
    }
}

/// HTML and XML text escaping; text without a special character (nearly all) is returned as is.
enum HTMLText {
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
