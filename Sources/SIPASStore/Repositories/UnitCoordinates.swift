import Foundation
import SIPASCore

/// Where the registered units lie: the latitude and longitude the official registers give each
/// commune, and for a district or province the mean of its communes'. Units made locally have none.
public final class UnitCoordinates: Sendable {
    public struct Point: Sendable, Equatable {
        public var latitude: Double
        public var longitude: Double
    }

    /// Keyed by register ("legacy", "2025") and code.
    private let points: [String: Point]

    public init() throws {
        var points: [String: Point] = [:]
        var sums: [String: (lat: Double, lon: Double, n: Int)] = [:]
        func add(_ key: String, _ p: Point) {
            let s = sums[key] ?? (0, 0, 0)
            sums[key] = (s.lat + p.latitude, s.lon + p.longitude, s.n + 1)
        }
        // province_code,province_name,district_code,district_name,district_type,ward_code,ward_name,ward_type,lat,lon
        for f in try UnitRegisterLoader.register("units-legacy") where f.count >= 10 {
            guard let lat = Double(f[8]), let lon = Double(f[9]) else { continue }
            let p = Point(latitude: lat, longitude: lon)
            points["legacy/\(f[5])"] = p
            add("legacy/\(f[2])", p)
            add("legacy/\(f[0])", p)
        }
        // province_code,province_name,ward_code,ward_name,ward_type,lat,lon,area_km2
        for f in try UnitRegisterLoader.register("units-2025") where f.count >= 7 {
            guard let lat = Double(f[5]), let lon = Double(f[6]) else { continue }
            let p = Point(latitude: lat, longitude: lon)
            points["2025/\(f[2])"] = p
            add("2025/\(f[0])", p)
        }
        for (key, s) in sums where points[key] == nil {
            points[key] = Point(latitude: s.lat / Double(s.n), longitude: s.lon / Double(s.n))
        }
        self.points = points
    }

    public func point(of unit: AdminUnit) -> Point? { points["\(unit.register)/\(unit.code)"] }
}

extension UnitCoordinates {
    /// Read once, when first needed; nil if the register files are unreadable.
    public static let registers: UnitCoordinates? = try? UnitCoordinates()
}
