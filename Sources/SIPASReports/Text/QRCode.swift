import CQREncode

/// A QR code (libqrencode, error correction M) as an SVG of its dark modules, with the quiet
/// zone the standard asks for, so that a phone or a scanner at the data-entry desk reads the
/// case code printed on a questionnaire.
public enum QRCode {
    /// The modules, row by row (true: dark), or nil when the text cannot be encoded.
    public static func modules(_ text: String) -> [[Bool]]? {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = code.pointee.data!
        return (0..<width).map { y in (0..<width).map { x in data[y * width + x] & 1 == 1 } }
    }

    /// An SVG `size` millimetres square; `label` names it for assistive technology.
    public static func svg(_ text: String, size: Double, label: String) -> String {
        guard let modules = modules(text) else { return "" }
        let quiet = 4, n = modules.count + 2 * quiet
        var path = ""
        for (y, row) in modules.enumerated() {
            for (x, dark) in row.enumerated() where dark { path += "M\(x + quiet) \(y + quiet)h1v1h-1z" }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" width=\"\(size)mm\" height=\"\(size)mm\" viewBox=\"0 0 \(n) \(n)\" role=\"img\" aria-label=\"\(HTMLText.escape(label))\" shape-rendering=\"crispEdges\"><rect width=\"\(n)\" height=\"\(n)\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
    }
}
