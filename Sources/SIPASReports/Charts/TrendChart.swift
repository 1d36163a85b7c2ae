import Foundation

/// A line over time drawn on the server as SVG: one point per day (responses received, or
/// their running total), each with its value for assistive technology; the page gives the
/// same numbers in a table.
public struct TrendChart: Sendable {
    public struct Point: Sendable {
        public var label: String
        public var value: Double

        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    public var key: String
    public var title: String
    public var points: [Point]
    public var unit: String

    public init(key: String, title: String, points: [Point], unit: String) {
        self.key = key
        self.title = title
        self.points = points
        self.unit = unit
    }

    private static let width = 640.0, height = 220.0, left = 56.0, right = 16.0, top = 28.0, bottom = 34.0

    public func svg() -> String {
        guard !points.isEmpty else { return "" }
        let highest = max(points.map(\.value).max() ?? 1, 1)
        let step = Self.niceStep(highest / 4)
        let ceiling = (highest / step).rounded(.up) * step
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        func x(_ i: Int) -> Double { Self.left + (points.count == 1 ? plotWidth / 2 : Double(i) / Double(points.count - 1) * plotWidth) }
        func y(_ v: Double) -> Double { Self.top + plotHeight - v / ceiling * plotHeight }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart trend\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" aria-labelledby=\"\(key)-t\">"
        out += "<title id=\"\(key)-t\">\(HTMLText.escape(title))</title>"
        var tick = 0.0
        while tick <= ceiling + step / 2 {
            out += "<line x1=\"\(n(Self.left))\" y1=\"\(n(y(tick)))\" x2=\"\(n(Self.width - Self.right))\" y2=\"\(n(y(tick)))\" class=\"grid\"/>"
            out += "<text x=\"\(n(Self.left - 6))\" y=\"\(n(y(tick) + 4))\" class=\"tick\" text-anchor=\"end\">\(HTMLText.escape(VietnameseFormat.count(Int(tick))))</text>"
            tick += step
        }
        let path = points.indices.map { "\(n(x($0))),\(n(y(points[$0].value)))" }.joined(separator: " ")
        out += "<polyline points=\"\(path)\" class=\"line\"/>"
        // Label at most about eight days along the axis, always the first and the last.
        let every = max(1, (points.count + 7) / 8)
        for (i, p) in points.enumerated() {
            out += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(p.value)))\" r=\"3\" class=\"dot\"><title>\(HTMLText.escape("\(p.label): \(VietnameseFormat.count(Int(p.value))) \(unit)"))</title></circle>"
            if i % every == 0 || i == points.count - 1 {
                out += "<text x=\"\(n(x(i)))\" y=\"\(n(Self.height - 12))\" class=\"tick\" text-anchor=\"middle\">\(HTMLText.escape(String(p.label.prefix(5))))</text>"
            }
        }
        return out + "</svg>"
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * power >= raw { return max(1, m * power) }
        return max(1, 10 * power)
    }

    private func n(_ v: Double) -> String { String(format: "%.1f", v) }
}
