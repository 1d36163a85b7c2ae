import ArgumentParser
import Foundation

/// `sipas`: the command-line tool of the SIPAS platform.
struct Sipas: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sipas",
        abstract: "Đo lường Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) — SIPAS satisfaction index tools.",
        discussion: """
        Mã thoát (exit codes): 0 thành công; 2 dùng sai lệnh; 65 dữ liệu sai (danh sách lỗi ở stderr); \
        66 không mở được tệp đầu vào; 74 không ghi được tệp kết quả.
        """,
        subcommands: [ServeCommand.self, IndexCommand.self, QuestionnaireCommand.self, GenerateCommand.self,
                      MigrateCommand.self, DemoCommand.self, UserCommand.self, AuditCommand.self,
                      BackupCommand.self, RestoreCommand.self, ReportCommand.self, PublishCommand.self,
                      SampleCommand.self, FrameCommand.self, FieldworkCommand.self]
    )
}

@main
enum Entry {
    static func main() async {
        do {
            var command = try Sipas.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data((failure.message + "\n").utf8))
            exit(failure.code)
        } catch let code as ExitCode {
            // A result the command already printed (`sample verify`: the draw differs).
            exit(code.rawValue)
        } catch {
            let code = Sipas.exitCode(for: error)
            if code == .success {
                print(Sipas.fullMessage(for: error))
                exit(0)
            }
            // Every parsing or validation error of the arguments is a usage error: exit 2.
            FileHandle.standardError.write(Data((Sipas.fullMessage(for: error) + "\n").utf8))
            exit(2)
        }
    }
}
