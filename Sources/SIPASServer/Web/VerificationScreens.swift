import Foundation
import Hummingbird
import SIPASApp
import SIPASReports
import SIPASCore

/// The public verification page: no sign-in, nothing uploaded is kept. Anyone gives the frame
/// (or its draw projection), the areas files, the record and the draw, and learns "khớp" or
/// the first row that differs.
extension WebScreens {
    func registerVerificationScreens() {
        router.get("/public/sampling/verify") { _, _ in
            templates.page("sampling-verify", VerifyPage())
        }
        router.post("/public/sampling/verify") { request, _ in
            var page = VerifyPage()
            do {
                let upload = try await MultipartUpload.receive(request, limit: SampleVerification.uploadLimit,
                                                               fileFields: ["frame", "record", "draw", "areas1", "areas2", "areas3"])
                defer { upload.removeFiles() }
                func file(_ name: String) -> SampleVerification.Upload {
                    guard let f = upload.files[name], let data = FileManager.default.contents(atPath: f.path) else { return .init(fileName: "", bytes: []) }
                    return .init(fileName: f.name, bytes: [UInt8](data))
                }
                let outcome = try SampleVerification().verify(frame: file("frame"), areas: ["areas1", "areas2", "areas3"].map(file),
                                                              record: file("record"), draw: file("draw"))
                switch outcome {
                case .matches(let rows, let seed, let sha):
                    page.matches = "Khớp: \(VietnameseFormat.count(rows)) dòng của tệp mẫu được tính lại đúng từ khung mẫu, thiết kế và hạt giống \"\(seed)\"."
                    page.frameSHA256 = sha
                case .differs(let message):
                    page.differs = WebMessage.vietnamese(message)
                }
                return templates.page("sampling-verify", page)
            } catch let error as AppError {
                page.error = WebMessage.vietnamese(error.message)
                page.problems = error.items.map(ErrorPage.Item.init)
                return templates.page("sampling-verify", page, status: error.status)
            }
        }
    }
}

struct VerifyPage: Sendable {
    var title = "Kiểm tra một lần rút mẫu"
    var matches: String?
    var frameSHA256: String?
    var differs: String?
    var error: String?
    var problems: [ErrorPage.Item] = []
}
