import SIPASCore

/// A dot-and-whisker chart drawn on the server as SVG: one row per figure, the dot its estimate
/// and the whisker its 95% interval, with optional vertical reference lines (the campaign's
/// figure, a target). Every text is escaped here, since the SVG goes into the page unescaped.
public struct IntervalChart: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var estimate: Double?
        public var low: Double?
        public var high: Double?
        /// Drawn hollow: few responses.
        public var lowN: Bool

        public init(label: String, estimate: Double? = nil, low: Double? = nil, high: Double? = nil, lowN: Bool) {
            self.label = label
            self.estimate = estimate
            self.low = low
            self.high = high
            self.lowN = lowN
        }
    }

    public struct Line: Sendable {
        public var value: Double
        public var label: String
        public var dashed: Bool

        public init(value: Double, label: String, dashed: Bool) {
            self.value = value
            self.label = label
            self.dashed = dashed
        }
    }

    /// Unique on its page (labels the chart for assistive technology).
    public var key: String
    public var title: String
    public var rows: [Row]
    public var lines: [Line] = []
    /// The axis; by default from just below the lowest figure to 100%, as satisfaction is read.
    public var axis: ClosedRange<Double>? = nil

    public init(key: String, title: String, rows: [Row], lines: [Line] = [], axis: ClosedRange<Double>? = nil) {
        self.key = key
        self.title = title
        self.rows = rows
        self.lines = lines
        self.axis = axis
    }

    private static let labelWidth = 230.0, plotWidth = 430.0, rowHeight = 22.0, top = 34.0

    public func svg() -> String {
        let values = rows.flatMap { [$0.low, $0.high, $0.estimate].compactMap { $0 } } + lines.map(\.value)
        let lowest = max(0, (((values.min() ?? 0) - 2) / 5).rounded(.down) * 5)
        let from = axis?.lowerBound ?? min(lowest, 95), to = axis?.upperBound ?? 100.0
        let step = to - from > 50 ? 10.0 : 5.0
        func x(_ v: Double) -> Double { Self.labelWidth + (v - from) / (to - from) * Self.plotWidth }
        // Long names wrap onto more lines (never cut with "…"): each row as tall as its label.
        let labels = rows.map { Self.wrap($0.label) }
        let heights = labels.map { Self.rowHeight + Double($0.count - 1) * Self.lineHeight }
        let height = Self.top + heights.reduce(0, +) + 30
        let width = Self.labelWidth + Self.plotWidth + 20
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-labelledby=\"\(id)-t\">"
        out += "<title id=\"\(id)-t\">\(Self.escape(title))</title>"
        // Axis ticks every 5 points.
        var tick = (from / step).rounded(.up) * step
        while tick <= to {
            out += "<line x1=\"\(n(x(tick)))\" y1=\"\(n(Self.top - 6))\" x2=\"\(n(x(tick)))\" y2=\"\(n(height - 26))\" class=\"grid\"/>"
            out += "<text x=\"\(n(x(tick)))\" y=\"\(n(height - 10))\" class=\"tick\" text-anchor=\"middle\">\(Int(tick))%</text>"
            tick += step
        }
        for line in lines {
            out += "<line x1=\"\(n(x(line.value)))\" y1=\"\(n(Self.top - 12))\" x2=\"\(n(x(line.value)))\" y2=\"\(n(height - 26))\" class=\"\(line.dashed ? "ref dashed" : "ref")\"/>"
            out += "<text x=\"\(n(x(line.value)))\" y=\"\(n(Self.top - 16))\" class=\"reflabel\" text-anchor=\"middle\">\(Self.escape(line.label))</text>"
        }
        var rowTop = Self.top
        for (i, row) in rows.enumerated() {
            let y = rowTop + heights[i] / 2
            rowTop += heights[i]
            out += "<g><title>\(Self.escape(row.label)): \(Self.escape(VietnameseFormat.percent(row.estimate))) \(Self.escape(VietnameseFormat.interval(row.low, row.high)))</title>"
            let first = y + 4 - Double(labels[i].count - 1) * Self.lineHeight / 2
            out += "<text x=\"\(n(Self.labelWidth - 8))\" y=\"\(n(first))\" class=\"label\" text-anchor=\"end\">"
            for (k, line) in labels[i].enumerated() {
                out += "<tspan x=\"\(n(Self.labelWidth - 8))\" dy=\"\(k == 0 ? "0" : n(Self.lineHeight))\">\(Self.escape(line))</tspan>"
            }
            out += "</text>"
            if let low = row.low, let high = row.high {
                out += "<line x1=\"\(n(x(low)))\" y1=\"\(n(y))\" x2=\"\(n(x(high)))\" y2=\"\(n(y))\" class=\"whisker\"/>"
            }
            if let e = row.estimate {
                out += "<circle cx=\"\(n(x(e)))\" cy=\"\(n(y))\" r=\"5\" class=\"\(row.lowN ? "dot hollow" : "dot")\"/>"
            }
            out += "</g>"
        }
        return out + "</svg>"
    }

    private var id: String { "chart-" + key }

    private func n(_ v: Double) -> String { DecimalText.plain((v * 10).rounded() / 10) }

    private static let lineHeight = 13.0, lineLength = 34

    /// A label in lines of at most `lineLength` characters, broken between words (a word longer
    /// than a line stays whole).
    public static func wrap(_ text: String) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= lineLength {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// XML text and attribute escaping.
    public static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
