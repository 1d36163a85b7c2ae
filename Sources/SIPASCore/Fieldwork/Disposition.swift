/// Where a case stands in the fieldwork (sampling-method §10), and the moves an enumerator can
/// record: assigned → delivered → collected; refused, not found, moved or ineligible from assigned
/// or delivered; replaced (a reserve released in its place) only from a non-response.
public enum Disposition: String, Sendable, Codable, CaseIterable {
    case assigned, delivered, collected, refused
    case notFound = "not_found"
    case moved, ineligible, replaced

    public var label: String {
        switch self {
        case .assigned: return "Đã giao cho điều tra viên"
        case .delivered: return "Đã phát phiếu"
        case .collected: return "Đã thu phiếu"
        case .refused: return "Từ chối"
        case .notFound: return "Không tìm thấy"
        case .moved: return "Đã chuyển đi"
        case .ineligible: return "Không thuộc đối tượng"
        case .replaced: return "Đã thay thế"
        }
    }

    /// A table column's heading.
    public var shortLabel: String {
        switch self {
        case .assigned: return "Đã giao"
        case .delivered: return "Đã phát"
        case .collected: return "Đã thu"
        case .refused: return "Từ chối"
        case .notFound: return "Không tìm thấy"
        case .moved: return "Chuyển đi"
        case .ineligible: return "Không thuộc đối tượng"
        case .replaced: return "Đã thay thế"
        }
    }

    /// No questionnaire came back from someone who should have answered: a reserve may take the place.
    public var isNonResponse: Bool { self == .refused || self == .notFound || self == .moved }

    /// Nothing more is expected of the enumerator (a case in another state is overdue after the phase's end).
    public var isSettled: Bool { self != .assigned && self != .delivered }

    /// The dispositions an enumerator may record after this one (replacement is a release, not a recording).
    public var next: [Disposition] {
        switch self {
        case .assigned: return [.delivered, .refused, .notFound, .moved, .ineligible]
        case .delivered: return [.collected, .refused, .notFound, .moved, .ineligible]
        case .refused, .notFound, .moved: return [.replaced]
        case .collected, .ineligible, .replaced: return []
        }
    }

    public func canMove(to other: Disposition) -> Bool { next.contains(other) }
}
