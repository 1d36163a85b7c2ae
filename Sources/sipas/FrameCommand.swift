import ArgumentParser
import Foundation
import SIPASApp

/// `sipas frame`: a campaign's sampling frame in the database.
struct FrameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "Khung mẫu của kỳ đo lường trong cơ sở dữ liệu (a campaign's sampling frame).",
        subcommands: [FramePurgeCommand.self]
    )
}

struct FramePurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Xóa các dòng và thông tin liên hệ của khung mẫu sau kỳ; các lần rút vẫn kiểm tra được (purge a frame).",
        discussion: "Ví dụ: sipas frame purge --campaign LSN-2026. Việc xóa được ghi vào nhật ký."
    )

    @Option(name: .long, help: "Mã hoặc id kỳ đo lường.")
    var campaign: String

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await store.withPlatform { platform in
            let frame = try await platform.samplingFrames.purgeAsOperator(campaign: campaign)
            print("Đã xóa khung mẫu \(frame.fileName) của kỳ \(campaign): \(frame.rows) dòng cùng thông tin liên hệ. Biên bản, tệp mẫu và phần khung dùng để rút vẫn được giữ.")
        }
    }
}
