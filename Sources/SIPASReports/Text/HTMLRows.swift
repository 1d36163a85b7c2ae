/// Rows of the screens' largest tables (a national campaign's 3,321 units), written here rather
/// than by the template engine, whose per-field lookups cost more than the whole page may. Every
/// text is escaped on the way in; only these fixed tags are written around it.
public struct HTMLRows: Sendable {
    public private(set) var html = ""

    public init() {}

    public mutating func row(lowN: Bool = false, _ cells: (inout Row) -> Void) {
        var row = Row()
        cells(&row)
        html += lowN ? "<tr class=\"lown\">" : "<tr>"
        html += row.html
        html += "</tr>"
    }

    public struct Row {
        fileprivate var html = ""

        /// The row's header cell, optionally a link.
        /// `keepTogether`: a short name (a unit's) that must not wrap between its words.
        public mutating func header(_ text: String, href: String? = nil, keepTogether: Bool = false) {
            html += keepTogether && text.count <= 32 ? "<th scope=\"row\" class=\"unit\">" : "<th scope=\"row\">"
            if let href { html += "<a href=\"" + HTMLText.escape(href) + "\">" + HTMLText.escape(text) + "</a>" } else { html += HTMLText.escape(text) }
            html += "</th>"
        }

        /// `label`: the column's name, shown before the value where the table reflows on a phone.
        public mutating func cell(_ text: String, numeric: Bool = false, label: String? = nil) {
            html += numeric ? "<td class=\"num\"" : "<td"
            if let label { html += " data-label=\"" + HTMLText.escape(label) + "\"" }
            html += ">"
            html += HTMLText.escape(text)
            html += "</td>"
        }
    }
}
