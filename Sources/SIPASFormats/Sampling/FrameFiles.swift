import Foundation

/// Opens a frame or areas file by its extension.
public enum FrameFiles {
    public static func open(path: String, sheet: String? = nil) throws -> FrameTable {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SamplingInputProblem(file: path, message: "không mở được tệp (cannot open the file)")
        }
        if path.lowercased().hasSuffix(".xlsx") {
            return try XLSXFrameReader.read(path: path, sheet: sheet)
        }
        return try CSVFrameTable(path: path)
    }
}
