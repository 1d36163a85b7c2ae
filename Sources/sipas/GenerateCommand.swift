import ArgumentParser
import Foundation
import SIPASCore
import SIPASFormats

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Sinh dữ liệu phiếu trả lời tổng hợp, tái lập được theo seed (deterministic synthetic responses).",
        discussion: """
        Thiết kế (designs): srs (không có cột thiết kế), strata (stratum, weight), psu (psu, weight), \
        strata-psu (stratum, psu lồng trong stratum, weight; cứ 7 đơn vị có 1 đơn vị chỉ một PSU).
        """
    )

    @Option(name: .long, help: "Mã bảng hỏi có sẵn hoặc đường dẫn tệp.")
    var questionnaire: String

    @Option(name: .long, help: "Số phiếu (rows).")
    var rows: Int

    @Option(name: .long, help: "Số đơn vị được đo (units).")
    var units: Int = 10

    @Option(name: .long, help: "srs | strata | psu | strata-psu")
    var design: SyntheticResponses.Design = .strataPsu

    @Option(name: .long, help: "Seed: cùng seed cho cùng dữ liệu.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Tệp CSV kết quả (- cho màn hình).")
    var out: String

    func validate() throws {
        if rows < 0 { throw ValidationError("--rows phải là số không âm (must be >= 0)") }
        if units < 1 { throw ValidationError("--units phải ít nhất là 1 (must be >= 1)") }
    }

    func run() throws {
        let q = try QuestionnaireSource.load(questionnaire)
        var generator = SyntheticResponses(questionnaire: q, rows: rows, units: units, design: design, seed: seed)
        let file: UnsafeMutablePointer<FILE>? = out == "-" ? fdopen(1, "wb") : fopen(out, "wb")
        guard let file else { throw CLIFailure.cannotWrite("không tạo được tệp \(out) (cannot create the file)") }
        var buffer: [UInt8] = [0xEF, 0xBB, 0xBF]
        buffer.append(contentsOf: (generator.header.joined(separator: ",") + "\n").utf8)
        buffer.reserveCapacity(1 << 20)
        var ok = true
        func flush() {
            if !buffer.isEmpty && fwrite(buffer, 1, buffer.count, file) != buffer.count { ok = false }
            buffer.removeAll(keepingCapacity: true)
        }
        while generator.appendRow(to: &buffer) {
            if buffer.count > 1 << 20 { flush() }
        }
        flush()
        if out != "-" { if fclose(file) != 0 { ok = false } } else { fflush(file) }
        if !ok { throw CLIFailure.cannotWrite("không ghi được tệp \(out) (write failed)") }
    }
}

extension SyntheticResponses.Design: ExpressibleByArgument {}
