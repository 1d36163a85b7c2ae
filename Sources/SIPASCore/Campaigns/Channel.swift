/// How a questionnaire came back.
public enum Channel: String, Sendable, Codable, CaseIterable {
    case paper, online, kiosk, tablet

    public var vietnameseLabel: String {
        switch self {
        case .paper: "Phiếu giấy"
        case .online: "Trực tuyến"
        case .kiosk: "Ki-ốt tại bộ phận một cửa"
        case .tablet: "Máy tính bảng"
        }
    }
}
