import SIPASCore

/// Who issues and signs a campaign's report (Nghị định 30/2020/NĐ-CP): by default the owner's
/// people's committee (TM. Ủy ban nhân dân, Chủ tịch) or the Ministry; or the body and signer
/// the campaign names ("Sở Nội vụ tỉnh Lạng Sơn", KT. Giám đốc, Phó Giám đốc, Nguyễn Văn A).
struct ReportIssuer {
    var above: String
    var line: String
    var name: String
    var place: String
    var numberSuffix: String
    var authority: String?
    var signerTitle: String
    var signerName: String?

    init(owner: AdminUnit?, signature: ReportSignature) {
        let ownerName = owner?.name ?? ""
        place = CampaignReports.kindPrefixes.first { ownerName.hasPrefix($0) }.map { String(ownerName.dropFirst($0.count)) } ?? (owner == nil ? "Hà Nội" : ownerName)
        let typed = (signature.issuer ?? "").trimmingCharacters(in: .whitespaces)
        let kind: Kind
        if !typed.isEmpty {
            kind = Self.kind(of: typed)
            name = typed
            // A department (Sở, Ban, Phòng) prints its people's committee above its own name.
            if kind == .department, let owner, owner.level != .agency {
                above = "ỦY BAN NHÂN DÂN " + owner.name.uppercased()
                line = Self.withoutPlace(typed, ownerName: ownerName).uppercased()
            } else {
                above = ""
                line = typed.uppercased()
            }
        } else if let owner {
            kind = owner.level == .agency ? .department : .committee
            above = owner.level == .agency ? "" : "ỦY BAN NHÂN DÂN"
            line = owner.name.uppercased()
            name = owner.level == .agency ? owner.name : "Ủy ban nhân dân " + CampaignReports.lowercasedKind(owner.name)
        } else {
            kind = .ministry
            above = ""
            line = "BỘ NỘI VỤ"
            name = "Bộ Nội vụ"
        }
        numberSuffix = kind.numberSuffix(typed)
        let title = (signature.title ?? "").trimmingCharacters(in: .whitespaces)
        switch signature.capacity {
        case .onBehalf:
            authority = "TM. " + kind.collective(line)
            signerTitle = title.isEmpty ? kind.head : title.uppercased()
        case .deputy:
            authority = "KT. " + kind.head
            signerTitle = title.isEmpty ? "PHÓ " + kind.head : title.uppercased()
        case .own:
            authority = nil
            signerTitle = title.isEmpty ? kind.head : title.uppercased()
        }
        let person = (signature.name ?? "").trimmingCharacters(in: .whitespaces)
        signerName = person.isEmpty ? nil : person
    }

    enum Kind {
        case committee, department, ministry

        /// The head who signs: Chủ tịch, Giám đốc (Trưởng ban/phòng), Bộ trưởng.
        var head: String {
            switch self {
            case .committee: return "CHỦ TỊCH"
            case .department: return "GIÁM ĐỐC"
            case .ministry: return "BỘ TRƯỞNG"
            }
        }

        /// The collective a TM. signature speaks for.
        func collective(_ line: String) -> String {
            switch self {
            case .committee: return "ỦY BAN NHÂN DÂN"
            case .department, .ministry: return line
            }
        }

        func numberSuffix(_ typed: String) -> String {
            switch self {
            case .committee: return "UBND"
            case .ministry: return "BNV"
            case .department: return typed.hasPrefix("Sở Nội vụ") ? "SNV" : "BC"
            }
        }
    }

    static func kind(of typed: String) -> Kind {
        if typed.hasPrefix("Ủy ban nhân dân") || typed.hasPrefix("UBND") { return .committee }
        if typed.hasPrefix("Bộ ") { return .ministry }
        return .department
    }

    /// "Sở Nội vụ tỉnh Lạng Sơn" → "Sở Nội vụ" when the committee line above names the province.
    static func withoutPlace(_ typed: String, ownerName: String) -> String {
        let lowered = CampaignReports.lowercasedKind(ownerName)
        guard !lowered.isEmpty, typed.hasSuffix(" " + lowered) else { return typed }
        return String(typed.dropLast(lowered.count + 1))
    }
}
