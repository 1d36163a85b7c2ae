import Foundation
import Hummingbird
import SIPASApp

/// A `multipart/form-data` upload from a browser form: the body is streamed to a temporary file
/// (never whole in memory, refused as soon as it passes the limit), then its parts are located
/// in the mapped file; the uploaded file's bytes are copied to a file of their own.
struct MultipartUpload: Sendable {
    /// Removes every file the upload wrote.
    func removeFiles() {
        if let filePath { unlink(filePath) }
        for (_, file) in files { unlink(file.path) }
    }

    /// Small text fields (the anti-forgery token, the channel).
    let fields: [String: String]
    /// Path of the uploaded file's content (mode 0600); nil when no file was chosen.
    let filePath: String?
    let fileName: String?
    /// Further file fields a form declares (`fileFields`), each copied to a file of its own.
    var files: [String: (path: String, name: String)] = [:]

    /// - Parameter documentFields: text fields that may be as long as `limit` (an editor's
    ///   content); every other text field is small.
    static func receive(_ request: Request, limit: Int, documentFields: Set<String> = [], fileFields: Set<String> = []) async throws -> MultipartUpload {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
              let boundary = type.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst("boundary=".count) else {
            throw AppError.malformed("biểu mẫu tải tệp phải gửi dạng multipart/form-data (the upload form must be multipart/form-data)")
        }
        let spooled = try await UploadFile.receive(request.body, limit: limit + 64 * 1024)
        defer { unlink(spooled) }
        let data = try Data(contentsOf: URL(fileURLWithPath: spooled), options: .alwaysMapped)
        return try parse(data, boundary: String(boundary).trimmingCharacters(in: CharacterSet(charactersIn: "\"")), documentFields: documentFields,
                         fileFields: fileFields)
    }

    static func parse(_ data: Data, boundary: String, documentFields: Set<String> = [], fileFields: Set<String> = []) throws -> MultipartUpload {
        let delimiter = Data(("--" + boundary).utf8), separator = Data("\r\n\r\n".utf8)
        var fields: [String: String] = [:], filePath: String?, fileName: String?
        var files: [String: (path: String, name: String)] = [:]
        guard var cursor = data.range(of: delimiter)?.upperBound else { throw malformed() }
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if data[cursor...].starts(with: Data("--".utf8)) { break }
            guard data[cursor...].starts(with: Data("\r\n".utf8)), let headersEnd = data.range(of: separator, in: (cursor + 2)..<data.endIndex) else {
                throw malformed()
            }
            let headers = String(decoding: data[(cursor + 2)..<headersEnd.lowerBound], as: UTF8.self)
            guard let next = data.range(of: Data("\r\n".utf8) + delimiter, in: headersEnd.upperBound..<data.endIndex) else { throw malformed() }
            let content = data[headersEnd.upperBound..<next.lowerBound]
            let name = attribute("name", in: headers)
            if let file = attribute("filename", in: headers), name == "file" {
                if !file.isEmpty {
                    let path = NSTemporaryDirectory() + "sipas-upload-\(UUID().uuidString).csv"
                    guard FileManager.default.createFile(atPath: path, contents: content, attributes: [.posixPermissions: 0o600]) else {
                        throw AppError.busy()
                    }
                    filePath = path
                    fileName = file
                }
            } else if let file = attribute("filename", in: headers), let name, fileFields.contains(name) {
                if !file.isEmpty {
                    let path = NSTemporaryDirectory() + "sipas-upload-\(UUID().uuidString)"
                    guard FileManager.default.createFile(atPath: path, contents: content, attributes: [.posixPermissions: 0o600]) else {
                        throw AppError.busy()
                    }
                    files[name] = (path, file)
                }
            } else if let name, documentFields.contains(name) {
                guard let text = String(data: content, encoding: .utf8) else {
                    throw AppError.invalid("nội dung ô \(name) không phải văn bản UTF-8 (not UTF-8 text)", field: name)
                }
                fields[name] = text
            } else if let name, content.count <= 4096 {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
            cursor = next.upperBound
        }
        return MultipartUpload(fields: fields, filePath: filePath, fileName: fileName, files: files)
    }

    private static func attribute(_ key: String, in headers: String) -> String? {
        guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }) else { return nil }
        for part in disposition.split(separator: ";").dropFirst() {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0].lowercased() == key { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    private static func malformed() -> AppError {
        AppError.malformed("nội dung biểu mẫu tải tệp bị hỏng; hãy chọn lại tệp và gửi lại (the multipart body is malformed)")
    }
}
