/// What an answer may be, said once: the messages of the rules of the responses format that the
/// CSV reader (byte by byte, for millions of rows) and `ResponseCheck` (one form: paper entry,
/// self-response, ODK) both apply. The allowed codes come from `ColumnRole`, the value syntaxes
/// from `ValueParsing`.
public enum AnswerRules {
    static func notInteger(_ text: String) -> String {
        "\"\(text)\" không phải mã số nguyên; ghi mã (ví dụ 4), không ghi nhãn hay số thập phân (expected an integer code)"
    }

    static func notAllowed(_ code: Int, _ table: CodeTable) -> String {
        "mã \(code) không thuộc \(table.describe) (code \(code) is not allowed)"
    }

    static func emptyPart(_ text: String) -> String {
        "lựa chọn trống giữa các dấu \";\" trong \"\(text)\" (an empty part in a multiple answer)"
    }

    static func notIntegerPart(_ text: String) -> String {
        "\"\(text)\" không phải mã số nguyên; câu nhiều lựa chọn ghi các mã cách nhau bởi \";\" (expected integer codes joined by ;)"
    }

    static func notNumber(_ text: String) -> String {
        "\"\(text)\" không phải số thập phân hợp lệ (dùng dấu chấm, ví dụ 12.5) (expected a finite decimal number)"
    }

    static func notDate(_ text: String) -> String {
        "\"\(text)\" không phải ngày theo ISO 8601 (ví dụ 2026-11-22 hoặc 2026-11-22T09:30:00) (expected an ISO 8601 date or date-time)"
    }

    /// In an answer: only free-text answers may hold line breaks.
    public static func controlCharacterInAnswer(at position: Int) -> String {
        "chứa ký tự điều khiển ở vị trí \(position); chỉ câu trả lời tự do được xuống dòng (a control character)"
    }

    /// In a design column or an attribute.
    public static func controlCharacter(at position: Int) -> String {
        "chứa ký tự điều khiển ở vị trí \(position) (a control character)"
    }

    public static func notRelevant(_ item: String) -> String {
        "câu \(item) không được hỏi với các câu trả lời trước (điều kiện hiển thị không thỏa); để trống (an answer to a non-relevant item)"
    }

    /// The 1-based position of the first control character other than line breaks (where allowed).
    public static func controlCharacter(in text: String, allowingBreaks: Bool) -> Int? {
        var position = 0
        for scalar in text.unicodeScalars {
            position += 1
            if allowingBreaks && (scalar == "\n" || scalar == "\r") { continue }
            if scalar.properties.generalCategory == .control { return position }
        }
        return nil
    }
}
