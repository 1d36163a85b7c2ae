import ArgumentParser
import Foundation
import SIPASCore
import SIPASFormats

/// `sipas sample`: sizes, draws and their verification, offline, so anyone can re-run a draw.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Chọn mẫu: cỡ mẫu, rút mẫu, kiểm tra lại một lần rút (sampling: sizes, draws, verification).",
        discussion: """
        Phương pháp: shared spec sampling-method (§2 số ngẫu nhiên từ hạt giống, §3–§4 cỡ mẫu và phân bổ, \
        §5–§6 chọn mẫu, §11 các tệp). Không cần máy chủ.
        """,
        subcommands: [SampleSizeCommand.self, SampleDrawCommand.self, SampleVerifyCommand.self, SampleHashCommand.self]
    )
}

/// Input problems of the sampling commands as exit codes: data errors 65, unreadable files 66.
enum SamplingFailure {
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let problem as SamplingInputProblem {
            if problem.line == nil && problem.message.contains("không mở được") { throw CLIFailure.noInput(problem.description) }
            throw CLIFailure.data(problem.description)
        } catch let error as SamplingError {
            throw CLIFailure.data(error.description)
        } catch let invalid as SamplingDesignInvalid {
            throw CLIFailure.data(invalid.description)
        }
    }

    static func design(_ path: String) throws -> SamplingDesign {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIFailure.noInput("\(path): không đọc được tệp thiết kế (UTF-8) (cannot read the design file)")
        }
        do {
            return try SamplingDesignReader.read(text)
        } catch {
            throw CLIFailure.data(error.issues.map { "\(path):\($0.line.map { "\($0 + 1)" } ?? "")\($0.column.map { ":\($0 + 1)" } ?? ""): \($0.path.isEmpty ? "" : "(\($0.path)) ")\($0.message)" }.joined(separator: "\n"))
        }
    }
}

struct SampleSizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "size",
        abstract: "Cỡ mẫu cho tổng thể N theo Yamane, Cochran hoặc số cố định (§3).",
        discussion: "Ví dụ: sipas sample size --rule cochran --N 12000 --e 0.05 --deff 1.5 --rr 0.8"
    )

    @Option(name: .long, help: "yamane | cochran | fixed") var rule: String
    @Option(name: .customLong("N"), help: "Quy mô tổng thể (population size).") var population: Int
    @Option(name: .long, help: "Sai số cho phép (margin of error).") var e: Double = 0.05
    @Option(name: .long, help: "Tỷ lệ dự kiến (Cochran).") var p: Double = 0.5
    @Option(name: .long, help: "Hệ số thiết kế (design effect, Cochran).") var deff: Double = 1
    @Option(name: .long, help: "Tỷ lệ phản hồi dự kiến (expected response rate, Cochran).") var rr: Double = 1
    @Option(name: .long, help: "Số mẫu cố định (fixed).") var count: Int?

    func validate() throws {
        if population < 0 { throw ValidationError("--N phải là số không âm (must be >= 0)") }
        if !(e > 0 && e < 1) { throw ValidationError("--e phải lớn hơn 0 và nhỏ hơn 1, ví dụ 0.05") }
        if !(p >= 0 && p <= 1) { throw ValidationError("--p phải từ 0 đến 1") }
        if !(deff > 0) { throw ValidationError("--deff phải dương") }
        if !(rr > 0 && rr <= 1) { throw ValidationError("--rr phải lớn hơn 0 và không quá 1") }
        switch rule {
        case "yamane", "cochran": if count != nil { throw ValidationError("--count chỉ dùng với --rule fixed") }
        case "fixed":
            guard let count, count > 0 else { throw ValidationError("--rule fixed cần --count (một số dương)") }
        default: throw ValidationError("--rule: \"\(rule)\" không hợp lệ; chọn yamane, cochran hoặc fixed")
        }
    }

    func run() throws {
        let sizeRule: SizeRule = switch rule {
        case "yamane": .yamane(e: e)
        case "cochran": .cochran(e: e, p: p, deff: deff, rr: rr)
        default: .fixed(count: count!)
        }
        print(sizeRule.size(population: population))
    }
}

struct SampleHashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Mã băm nội dung (SHA-256) của phần khung mẫu dùng để rút (draw projection, §1).",
        discussion: "In ra: sha256 và số dòng. Tệp khung mẫu CSV (UTF-8) hoặc Excel .xlsx."
    )

    @Argument(help: "Tệp khung mẫu (.csv hoặc .xlsx).") var frame: String
    @Option(name: .long, help: "Tệp thiết kế YAML.") var design: String
    @Option(name: .long, help: "Trang tính của tệp Excel (mặc định: trang duy nhất có dữ liệu).") var sheet: String?

    func run() throws {
        let design = try SamplingFailure.design(self.design)
        let digest = try SamplingFailure.wrap {
            try SampleDrawRunner.frameDigest(frame: try FrameFiles.open(path: frame, sheet: sheet), design: design)
        }
        print("\(digest.sha256)  \(digest.rows)")
    }
}
