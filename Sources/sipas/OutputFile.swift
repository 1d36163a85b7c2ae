import Foundation

/// Writes a command's result to `--output FILE` or to standard output.
enum OutputFile {
    static func write(_ text: String, to path: String?) throws {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIFailure.cannotWrite("không ghi được tệp \(path): \(error.localizedDescription) (cannot write the output file)")
        }
    }
}

/// The progress line of long reads: only on an interactive terminal, never in pipes or CI logs.
final class ProgressLine {
    private let enabled: Bool
    private let start = Date()
    private var last = Date.distantPast
    private var shown = false

    init() {
        enabled = isatty(2) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    func update(rows: Int, bytes: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.25 else { return }
        last = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Int(Double(rows) / elapsed)
        let text = "\r\u{1B}[KĐang đọc: \(groupThousands(rows)) dòng, \(groupThousands(rate)) dòng/giây, \(bytes >> 20) MB"
        FileHandle.standardError.write(Data(text.utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func groupThousands(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(".") }
            out.append(ch)
        }
        return out
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Writes a line to standard output at once (print is buffered when stdout is a file or a pipe,
/// and a server's start-up lines must show before it starts serving).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
