/// What a frame's columns mean once an official has mapped them (issue: the column-mapping step).
/// Contact roles are personal data: stored encrypted, shown to the campaign's administrators only.
public enum FrameRole: String, Sendable, CaseIterable, Codable {
    case key, unit, area, name, address, phone, idNumber = "id_number", service, procedure, agency, completedOn = "completed_on"

    public var isContact: Bool {
        switch self {
        case .name, .address, .phone, .idNumber: true
        default: false
        }
    }

    public var vietnameseLabel: String {
        switch self {
        case .key: "Mã hồ sơ (khóa)"
        case .unit: "Đơn vị (mã hoặc tên)"
        case .area: "Địa bàn (thôn, tổ dân phố)"
        case .name: "Họ tên người/tổ chức"
        case .address: "Địa chỉ"
        case .phone: "Điện thoại"
        case .idNumber: "Số CCCD/giấy tờ"
        case .service: "Lĩnh vực"
        case .procedure: "Thủ tục"
        case .agency: "Cơ quan giải quyết"
        case .completedOn: "Ngày hoàn thành"
        }
    }

    /// Header words that suggest a role (lowercased, without diacritics), for the first proposal.
    public var hints: [String] {
        switch self {
        case .key: ["ma ho so", "so ho so", "ma hs", "ma_ho_so", "key", "dossier"]
        case .unit: ["ma xa", "don vi", "ma don vi", "xa phuong", "ma_xa", "unit"]
        case .area: ["thon", "to dan pho", "ma thon", "dia ban", "ma_thon"]
        case .name: ["ho ten", "ho va ten", "ten nguoi", "to chuc", "ho_ten", "name"]
        case .address: ["dia chi", "dia_chi", "address"]
        case .phone: ["dien thoai", "so dien thoai", "sdt", "dien_thoai", "phone"]
        case .idNumber: ["cccd", "cmnd", "so giay to", "dinh danh", "id"]
        case .service: ["linh vuc", "linh_vuc", "service"]
        case .procedure: ["thu tuc", "ten thu tuc", "thu_tuc", "procedure"]
        case .agency: ["co quan", "noi giai quyet", "co_quan", "agency"]
        case .completedOn: ["ngay hoan thanh", "ngay tra", "ngay tra ket qua", "ngay_hoan_thanh", "completed"]
        }
    }
}

/// A frame's column mapping: which header each role reads (nil: not in the file).
public struct FrameMapping: Sendable, Equatable, Codable {
    public var columns: [FrameRole: String]

    public init(columns: [FrameRole: String]) { self.columns = columns }

    public subscript(role: FrameRole) -> String? { columns[role] }

    /// Roles that read the same header (a column mapped twice).
    public var duplicates: [(header: String, roles: [FrameRole])] {
        var byHeader: [String: [FrameRole]] = [:]
        for role in FrameRole.allCases { if let header = columns[role] { byHeader[header, default: []].append(role) } }
        return byHeader.filter { $0.value.count > 1 }.map { ($0.key, $0.value) }.sorted { $0.header < $1.header }
    }
}
