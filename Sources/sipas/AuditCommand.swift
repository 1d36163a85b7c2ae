import ArgumentParser
import Foundation
import SIPASApp
import SIPASStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Nhật ký thay đổi: list, verify.", subcommands: [List.self, Verify.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Các mục mới nhất.")
        @Option var limit = 50
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { db in
                for e in try await AuditLog(db).list(limit: limit, offset: 0) {
                    say("\(e.id)\t\(e.at)\t\(e.actor)\t\(e.action)\t\(e.entity):\(e.entityId)\t\(e.detail)")
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kiểm tra nhật ký: chuỗi khóa HMAC, điểm kiểm tra đầu chuỗi, phiếu đã lưu và tài khoản (exit 65 nếu hỏng).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withPlatform { platform in
                let v = try await platform.audit.verify(by: nil, operator: true)
                guard v.intact else {
                    throw CLIFailure.data((["Nhật ký KHÔNG toàn vẹn (the audit log or the data it vouches for was tampered with):"]
                                           + v.problems.map { "  - " + $0 }).joined(separator: "\n"))
                }
                say("Nhật ký toàn vẹn: \(v.entries) mục; chuỗi khóa, điểm kiểm tra đầu chuỗi, phiếu, tài khoản, kỳ đo lường, bảng hỏi, đơn vị, bưu điện và điều tra thực địa khớp (khóa: \(platform.audit.keyFile)).")
            }
        }
    }
}
