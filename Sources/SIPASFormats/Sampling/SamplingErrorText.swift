import SIPASCore

extension SamplingError: CustomStringConvertible {
    /// Vietnamese first, English after, saying what to change.
    public var description: String {
        switch self {
        case .allocation(let stage, .totalExceedsPopulation(let total, let population)):
            "giai đoạn \(stage): cỡ mẫu tổng \(total) lớn hơn số dòng của khung mẫu (\(population)); giảm cỡ mẫu hoặc bổ sung khung (the total exceeds the frame)"
        case .allocation(let stage, .minimumsExceedTotal(let sum, let total)):
            "giai đoạn \(stage): tổng mức tối thiểu của các tầng (\(sum)) vượt cỡ mẫu tổng (\(total)); giảm \"min\" hoặc tăng cỡ mẫu (the strata's minimums exceed the total)"
        case .totalExceedsFrame(let stage, let wanted, let rows):
            "giai đoạn \(stage): thiết kế yêu cầu \(wanted) mẫu nhưng khung mẫu chỉ có \(rows) dòng; giảm \"count\" hoặc bổ sung khung (the design asks for more than the frame holds)"
        case .sizeNotPositive(let stage, let area, let value):
            "giai đoạn \(stage): địa bàn \(area) có quy mô \"\(value)\"; chọn theo PPS cần quy mô lớn hơn 0 (a pps size must be positive)"
        case .sizeNotANumber(let stage, let area, let value):
            "giai đoạn \(stage): địa bàn \(area) có quy mô \"\(value)\" không phải là số (a pps size must be a number)"
        case .duplicateKey(let stage, let key):
            "giai đoạn \(stage): mã \"\(key)\" lặp lại (a duplicate key)"
        case .emptyKey(let stage, let line):
            "giai đoạn \(stage): dòng \(line) có khóa trống (an empty key)"
        case .emptySeed:
            "hạt giống (seed) trống; nhập một chuỗi ký tự hoặc để hệ thống tạo 32 chữ số hex (an empty seed)"
        }
    }
}
