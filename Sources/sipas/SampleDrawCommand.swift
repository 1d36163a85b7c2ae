import ArgumentParser
import Foundation
import SIPASCore
import SIPASFormats

struct SampleDrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Rút mẫu từ khung mẫu theo thiết kế và hạt giống; ghi tệp mẫu (CSV) và biên bản (JSON) (§5–§11).",
        discussion: """
        Ví dụ: sipas sample draw --frame khung.csv --design thiet-ke.yaml --seed 8f3c… --out mau.csv
        Ghi mau.csv (stage,stratum,key,role,order,pi) và mau.json (biên bản: hạt giống, mã băm, thiết kế).
        Không có --seed: hệ thống tạo 32 chữ số hex ngẫu nhiên và ghi vào biên bản.
        """
    )

    @Option(name: .long, help: "Tệp khung mẫu (.csv UTF-8 hoặc .xlsx).") var frame: String
    @Option(name: .long, help: "Tệp địa bàn cho mỗi giai đoạn chọn địa bàn, theo thứ tự.") var areas: [String] = []
    @Option(name: .long, help: "Tệp thiết kế YAML (§11).") var design: String
    @Option(name: .long, help: "Hạt giống: một chuỗi ký tự do cán bộ nhập (seed).") var seed: String?
    @Option(name: .long, help: "Tệp mẫu sẽ ghi (CSV); biên bản ghi cạnh nó với đuôi .json.") var out: String
    @Option(name: .long, help: "Lý do rút lại (khi đã có một lần rút trước).") var reason: String?
    @Option(name: .long, help: "Trang tính của tệp Excel.") var sheet: String?

    func run() throws {
        let design = try SamplingFailure.design(self.design)
        let seed = self.seed ?? SeedText.generate()
        let sample = try SamplingFailure.wrap {
            try SampleDrawRunner.draw(frame: try FrameFiles.open(path: frame, sheet: sheet),
                                      areas: try areas.map { try FrameFiles.open(path: $0) }, design: design, seed: seed)
        }
        let record = DrawRecord(sample: sample, drawnAt: Date(), reason: reason, software: ProductVersion.software)
        let recordPath = (out as NSString).deletingPathExtension + ".json"
        do {
            try Data(sample.csv).write(to: URL(fileURLWithPath: out), options: .atomic)
            try Data(record.json.utf8).write(to: URL(fileURLWithPath: recordPath), options: .atomic)
        } catch {
            throw CLIFailure.cannotWrite("không ghi được \(out): \(error.localizedDescription) (cannot write the draw)")
        }
        let persons = sample.rows.filter { $0.stage == design.personStage.name }
        let sampled = persons.filter { $0.role == .sample }.count
        printError("""
        Đã rút mẫu (drawn): \(sampled) mẫu và \(persons.count - sampled) dự phòng trong \(sample.sizes.count) tầng, \
        từ \(sample.frame.rows) dòng khung mẫu.
        Hạt giống (seed): \(sample.seed)
        Khung mẫu sha256: \(sample.frame.sha256)
        Tệp mẫu: \(out) (sha256 \(sample.drawSHA256)); biên bản: \(recordPath)
        """)
    }
}

struct SampleVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Tính lại một lần rút từ khung mẫu, tệp địa bàn và biên bản; so với tệp mẫu (§9).",
        discussion: "Kết quả: \"khớp\" (mã thoát 0) hoặc điểm khác đầu tiên (mã thoát 1). Khung mẫu có thể là phần dùng để rút (draw projection)."
    )

    @Option(name: .long, help: "Tệp khung mẫu hoặc phần dùng để rút (.csv hoặc .xlsx).") var frame: String
    @Option(name: .long, help: "Tệp địa bàn, theo thứ tự giai đoạn.") var areas: [String] = []
    @Option(name: .long, help: "Biên bản rút mẫu (JSON).") var record: String
    @Option(name: .long, help: "Tệp mẫu (CSV) cần kiểm tra.") var draw: String
    @Option(name: .long, help: "Trang tính của tệp Excel.") var sheet: String?

    func run() throws {
        guard let recordText = try? String(contentsOfFile: record, encoding: .utf8) else {
            throw CLIFailure.noInput("\(record): không đọc được biên bản (cannot read the record)")
        }
        guard let drawBytes = FileManager.default.contents(atPath: draw) else {
            throw CLIFailure.noInput("\(draw): không đọc được tệp mẫu (cannot read the draw)")
        }
        let outcome = try SamplingFailure.wrap {
            try DrawVerifier.verify(frame: try FrameFiles.open(path: frame, sheet: sheet), areas: try areas.map { try FrameFiles.open(path: $0) },
                                    record: try DrawRecord.read(recordText, file: record), draw: [UInt8](drawBytes))
        }
        switch outcome {
        case .matches(let rows):
            print("khớp (matches): \(rows) dòng của tệp mẫu được tính lại đúng từ khung mẫu, thiết kế và hạt giống")
        case .differs(let message):
            print("không khớp (differs): \(message)")
            throw ExitCode(1)
        }
    }
}
