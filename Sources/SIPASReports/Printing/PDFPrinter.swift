import Foundation
import SIPASApp
import Synchronization

/// Prints an HTML document to PDF with headless Chromium, as a browser's "Save as PDF" does: the
/// page size and margins are the document's own `@page` rule. Chromium is found on the PATH
/// (`chromium`, `chromium-browser`, `google-chrome`) or named by `SIPAS_CHROMIUM`.
public enum PDFPrinter {
    public static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
    public static let timeout: Duration = .seconds(120)
    /// Each print is a browser with its own memory: two at a time, the others told to retry.
    public static let printing = Atomic<Int>(0)
    public static let maxPrinting = 2

    public static func chromium() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let named = environment["SIPAS_CHROMIUM"], !named.isEmpty {
            return FileManager.default.isExecutableFile(atPath: named) ? named : nil
        }
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in candidates {
            for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) { return folder + "/" + name }
        }
        return nil
    }

    public static let missing = "không tìm thấy Chromium để in PDF: cài đặt (Debian/Ubuntu: apt-get install chromium), hoặc đặt SIPAS_CHROMIUM=/đường/dẫn/tới/chromium; báo cáo HTML (--html) và bảng tính (--xlsx) không cần Chromium (Chromium is needed to print PDF)"

    /// The PDF of `html`; the document must be self-contained (styles inline, images as data).
    public static func pdf(of html: String) async throws -> [UInt8] {
        guard let chromium = chromium() else { throw AppError(.unavailable, missing) }
        guard printing.add(1, ordering: .acquiringAndReleasing).newValue <= maxPrinting else {
            printing.subtract(1, ordering: .acquiringAndReleasing)
            throw AppError(.unavailable, "đang in \(maxPrinting) báo cáo PDF khác; hãy thử lại sau ít giây (two reports are being printed)", retryAfter: 5)
        }
        defer { printing.subtract(1, ordering: .acquiringAndReleasing) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sipas-print-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html"), output = folder.appendingPathComponent("report.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--disable-extensions", "--user-data-dir=\(folder.path)/profile", "--no-pdf-header-footer",
                             "--print-to-pdf=\(output.path)", page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await run(process)
        guard let data = FileManager.default.contents(atPath: output.path), data.starts(with: Array("%PDF".utf8)) else {
            throw AppError(.unavailable, "Chromium không in được báo cáo ra PDF (mã thoát \(process.terminationStatus)); hãy thử lại, hoặc in báo cáo HTML từ trình duyệt (Chromium did not produce a PDF)")
        }
        return [UInt8](data)
    }

    /// Runs the process to its end without holding a thread of the concurrency pool, killing it
    /// when it takes longer than `timeout`.
    private static func run(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: AppError(.unavailable, "không chạy được Chromium: \(error.localizedDescription)"))
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(Int(timeout.components.seconds))) {
                if process.isRunning { process.terminate() }
            }
        }
    }
}
