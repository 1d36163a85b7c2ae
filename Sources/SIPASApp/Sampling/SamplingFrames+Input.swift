import Foundation
import SIPASCore
import SIPASFormats

extension SamplingFrames {
    /// Reads an uploaded CSV or XLSX through a private temporary file (the readers stream files).
    static func parse(fileName: String, bytes: [UInt8], sheet: String? = nil) throws -> RowsFrameTable {
        let isWorkbook = bytes.starts(with: [0x50, 0x4B, 0x03, 0x04])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sipas-frame-\(UUID().uuidString)" + (isWorkbook ? ".xlsx" : ".csv")).path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw AppError.busy()
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let table = try FrameFiles.open(path: path, sheet: sheet)
            var rows: [(line: Int, values: [String])] = []
            try table.forEachRow { line, field in rows.append((line, table.header.indices.map(field))) }
            var named = RowsFrameTable(name: fileName, header: table.header, rows: rows)
            named.formulaCells = (table as? RowsFrameTable)?.formulaCells ?? []
            if rows.isEmpty { throw AppError.invalid("tệp \(fileName) không có dòng dữ liệu nào dưới dòng tiêu đề (no rows)", field: "/file") }
            // Excel set to Vietnamese saves "CSV" with semicolons: one column whose name holds them.
            if named.header.count == 1, named.header[0].contains(";") {
                throw AppError.invalid("tệp \(fileName) dùng dấu chấm phẩy (;) để ngăn cột; trong Excel chọn Lưu thành → CSV UTF-8 (dấu phẩy) rồi tải lại (a semicolon-separated file)", field: "/file")
            }
            let headers = named.header
            for (i, name) in headers.enumerated() where headers.firstIndex(of: name)! < i {
                throw AppError.invalid("hai cột cùng tên \"\(name)\" (cột \(i + 1)); đổi tên một cột rồi tải lại (two columns with the same name)", field: "/file")
            }
            return named
        } catch let problem as SamplingInputProblem {
            throw AppError(.invalidContent, "tệp \(fileName) không đọc được (the file cannot be read)", field: "/file",
                           items: [AppError.Item(line: problem.line, field: problem.column, message: problem.message)])
        }
    }

    /// The first proposal of a mapping: a header whose words match a role's hints.
    static func suggest(_ header: [String]) -> FrameMapping {
        var columns: [FrameRole: String] = [:]
        var used = Set<String>()
        for role in FrameRole.allCases {
            let match = header.first { name in
                let folded = SearchText.fold(name).replacingOccurrences(of: "_", with: " ")
                return !used.contains(name) && role.hints.contains { folded == $0.replacingOccurrences(of: "_", with: " ") || folded.contains($0) && $0.count > 3 }
            }
            if let match { columns[role] = match; used.insert(match) }
        }
        return FrameMapping(columns: columns)
    }

    /// The mapping as a form or request gives it, checked against the file's header.
    static func mapping(_ raw: [String: String], header: [String]) throws -> FrameMapping {
        var columns: [FrameRole: String] = [:]
        for (name, column) in raw where !column.isEmpty {
            guard let role = FrameRole(rawValue: name) else {
                throw AppError.invalid("vai trò cột \"\(name)\" không có; các vai trò: \(FrameRole.allCases.map(\.rawValue).joined(separator: ", "))", field: "/mapping/\(name)")
            }
            guard header.contains(column) else {
                throw AppError.invalid("tệp không có cột \"\(column)\"; các cột: \(header.joined(separator: ", "))", field: "/mapping/\(name)")
            }
            columns[role] = column
        }
        let mapping = FrameMapping(columns: columns)
        if let twice = mapping.duplicates.first {
            throw AppError.invalid("cột \"\(twice.header)\" được chọn cho nhiều vai trò (\(twice.roles.map(\.vietnameseLabel).joined(separator: ", "))); mỗi cột một vai trò (a column mapped twice)",
                                   field: "/mapping/\(twice.roles[1].rawValue)")
        }
        if mapping[.unit] == nil {
            throw AppError.invalid("cần chọn cột ghi đơn vị (mã hoặc tên xã, phường như trong danh mục) (the unit column is required)", field: "/mapping/unit")
        }
        return mapping
    }

    static func window(_ request: ImportRequest, campaign: Campaign) throws -> (String, String) {
        let defaults = defaultWindow(campaign)
        func parse(_ text: String?, _ field: String, _ fallback: String) throws -> String {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return fallback }
            guard let date = FrameDate.parse(text), !text.allSatisfy(\.isNumber) else {
                throw AppError.invalid("ngày \"\(text)\" không hợp lệ; ghi dd/mm/yyyy, ví dụ 01/01/\(campaign.year)", field: field)
            }
            return date
        }
        let from = try parse(request.windowFrom, "/window_from", defaults.from)
        let to = try parse(request.windowTo, "/window_to", defaults.to)
        if from > to { throw AppError.invalid("ngày bắt đầu sau ngày kết thúc của khoảng thời gian (the window ends before it starts)", field: "/window_to") }
        return (from, to)
    }
}
