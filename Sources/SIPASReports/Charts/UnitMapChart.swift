import Foundation
import SIPASCore

/// The measured units as dots where the registers place them, coloured by their figure in five
/// bands, drawn on the server as SVG. The bands are also written out in the legend and every dot
/// names its unit and figure, since colour alone tells a reader with low colour vision nothing.
public struct UnitMapChart: Sendable {
    public struct Dot: Sendable {
        public var label: String
        public var latitude: Double
        public var longitude: Double
        public var estimate: Double?
        public var lowN: Bool
        public var href: String?

        public init(label: String, latitude: Double, longitude: Double, estimate: Double? = nil, lowN: Bool, href: String? = nil) {
            self.label = label
            self.latitude = latitude
            self.longitude = longitude
            self.estimate = estimate
            self.lowN = lowN
            self.href = href
        }
    }

    public struct Band: Sendable {
        public var label: String
        public var cssClass: String
    }

    public static let bands: [(upper: Double, band: Band)] = [
        (80, Band(label: "dưới 80%", cssClass: "band1")),
        (85, Band(label: "80% đến dưới 85%", cssClass: "band2")),
        (90, Band(label: "85% đến dưới 90%", cssClass: "band3")),
        (95, Band(label: "90% đến dưới 95%", cssClass: "band4")),
        (.infinity, Band(label: "từ 95% trở lên", cssClass: "band5")),
    ]
    public static let noFigure = Band(label: "chưa có số liệu / không hiển thị", cssClass: "band0")

    public static func band(_ estimate: Double?) -> Band {
        guard let estimate else { return noFigure }
        return bands.first { estimate < $0.upper }!.band
    }

    public var title: String
    public var dots: [Dot]

    public init(title: String, dots: [Dot]) {
        self.title = title
        self.dots = dots
    }

    private static let width = 640.0, legendHeight = 118.0, margin = 16.0, labelRoom = 110.0

    public func svg() -> String {
        guard !dots.isEmpty else { return "" }
        let lats = dots.map(\.latitude), lons = dots.map(\.longitude)
        let minLat = lats.min()!, maxLat = lats.max()!, minLon = lons.min()!, maxLon = lons.max()!
        // Equirectangular, with longitude shrunk by the cosine of the middle latitude.
        let shrink = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = max((maxLon - minLon) * shrink, 0.02), spanY = max(maxLat - minLat, 0.02)
        let plot = Self.width - 2 * Self.margin - (dots.count <= 60 ? Self.labelRoom : 0)
        let scale = min(plot / spanX, 1.4 * plot / spanY)
        let mapHeight = spanY * scale + 2 * Self.margin
        let height = mapHeight + Self.legendHeight
        let radius = dots.count > 500 ? 2.5 : dots.count > 100 ? 4 : 7
        func x(_ lon: Double) -> Double { Self.margin + (lon - minLon) * shrink * scale + (plot - spanX * scale) / 2 }
        func y(_ lat: Double) -> Double { Self.margin + (maxLat - lat) * scale }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart map\" viewBox=\"0 0 \(n(Self.width)) \(n(height))\" role=\"img\" aria-labelledby=\"map-t\">"
        out += "<title id=\"map-t\">\(IntervalChart.escape(title))</title>"
        out += "<rect x=\"0\" y=\"0\" width=\"\(n(Self.width))\" height=\"\(n(mapHeight))\" class=\"mapground\"/>"
        // Units without a figure first, so that measured ones are drawn over them.
        for dot in dots.sorted(by: { ($0.estimate == nil ? 0 : 1) < ($1.estimate == nil ? 0 : 1) }) {
            let band = Self.band(dot.estimate)
            let text = "\(dot.label): \(VietnameseFormat.percent(dot.estimate))\(dot.lowN ? " (ít phiếu)" : "")"
            let circle = "<circle cx=\"\(n(x(dot.longitude)))\" cy=\"\(n(y(dot.latitude)))\" r=\"\(n(radius))\" class=\"\(band.cssClass)\(dot.lowN ? " hollow" : "")\"><title>\(IntervalChart.escape(text))</title></circle>"
            // Few enough units to name them on the map.
            let name = dots.count <= 60
                ? "<text x=\"\(n(x(dot.longitude) + radius + 3))\" y=\"\(n(y(dot.latitude) + 4))\" class=\"maplabel\">\(IntervalChart.escape(dot.label))</text>" : ""
            if let href = dot.href {
                out += "<a href=\"\(IntervalChart.escape(href))\">\(circle)\(name)</a>"
            } else {
                out += circle + name
            }
        }
        var ly = mapHeight + 18
        for band in Self.bands.map(\.band) + [Self.noFigure] {
            out += "<circle cx=\"\(n(Self.margin + 7))\" cy=\"\(n(ly - 4))\" r=\"6\" class=\"\(band.cssClass)\"/>"
            out += "<text x=\"\(n(Self.margin + 20))\" y=\"\(n(ly))\" class=\"label\">\(IntervalChart.escape(band.label))</text>"
            ly += 17
        }
        return out + "</svg>"
    }

    /// One decimal, without going through a general number formatter (thousands of dots).
    private func n(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        let whole = String(tenths / 10), digit = abs(tenths % 10)
        return digit == 0 ? (tenths < 0 && tenths > -10 ? "-" : "") + whole : (tenths < 0 && tenths > -10 ? "-" : "") + whole + "." + String(digit)
    }
}
