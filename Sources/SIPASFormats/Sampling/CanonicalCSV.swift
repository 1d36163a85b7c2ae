/// The canonical CSV of sampling-method §1 and §11: UTF-8, `\n` line ends, a field quoted only
/// when it holds a comma, a quote or a line break (so Python's `csv` module writes the same bytes).
public enum CanonicalCSV {
    public static func appendField(_ field: some Collection<UInt8>, to out: inout [UInt8]) {
        let needsQuotes = field.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
        if !needsQuotes { out += field; return }
        out.append(34)
        for byte in field {
            if byte == 34 { out.append(34) }
            out.append(byte)
        }
        out.append(34)
    }

    public static func appendLine(_ fields: [String], to out: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(44) }
            appendField(field.utf8, to: &out)
        }
        out.append(10)
    }

    public static func line(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        appendLine(fields, to: &out)
        return out
    }
}
