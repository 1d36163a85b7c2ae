import ArgumentParser
import Foundation
import SIPASApp
import SIPASCore
import SIPASStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Sao lưu trực tuyến, nhất quán (SQLite: VACUUM INTO; PostgreSQL: pg_dump) — an online backup.",
        discussion: "Máy chủ có thể đang chạy. Giữ kèm tệp khóa nhật ký (audit.key): thiếu nó, bản sao lưu không kiểm chứng được.")
    @Argument(help: "Tệp sao lưu sẽ tạo (không ghi đè).") var file: String
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await store.withStore { db in
            do {
                let summary = try await Backup.backup(db, to: file)
                say("Đã sao lưu vào \(summary.file): \(DecimalText.groupThousands(summary.bytes)) byte, \(summary.auditEntries) mục nhật ký.")
            } catch let error as AppError { throw CLIFailure(error) }
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Khôi phục từ bản sao lưu (dừng máy chủ trước) — restore a backup.",
        discussion: "Bản sao lưu chỉ được dùng khi chuỗi nhật ký của nó khớp khóa của máy chủ này; tệp SQLite cũ được giữ lại với đuôi .before-restore.")
    @Argument(help: "Tệp sao lưu.") var file: String
    @OptionGroup var store: StoreOptions

    func run() async throws {
        do {
            let check = try await Backup.restore(from: file, into: try store.location())
            say("Đã khôi phục từ \(file): \(check.entries) mục nhật ký, \(check.intact ? "toàn vẹn" : "CÓ VẤN ĐỀ: " + check.problems.joined(separator: "; ")).")
            if !check.intact { throw CLIFailure.data("nhật ký sau khôi phục không toàn vẹn") }
        } catch let error as AppError { throw CLIFailure(error) }
    }
}
