/// A case's code: a campaign-wide number and a Damm check digit ("000123-4"). The check digit
/// catches every single wrong digit and every swap of two neighbours, so a code keyed from paper
/// with a typo names no other case.
public struct CaseCode: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let number: Int

    public init(number: Int) { self.number = number }

    /// Reads a code as typed (spaces and dashes ignored); nil when the check digit disagrees.
    public init?(_ text: String) {
        let digits = text.unicodeScalars.filter { $0 != "-" && $0 != " " }
        // At most a hundred billion cases: a longer code is no code (and would overflow the number).
        guard digits.count >= 2, digits.count <= Self.maxDigits + 1, digits.allSatisfy({ $0.properties.numericType != nil && $0.isASCII }) else { return nil }
        let values = digits.map { Int($0.value) - 48 }
        guard Self.damm(values) == 0 else { return nil }
        number = values.dropLast().reduce(0) { $0 * 10 + $1 }
    }

    static let maxDigits = 11

    public var description: String {
        var digits: [Int] = []
        var rest = max(0, number)
        repeat { digits.append(rest % 10); rest /= 10 } while rest > 0
        while digits.count < 6 { digits.append(0) }
        digits.reverse()
        var bytes = digits.map { UInt8(48 + $0) }
        bytes.append(UInt8(ascii: "-"))
        bytes.append(UInt8(48 + Self.damm(digits)))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The Damm algorithm's check digit (0 for a number that ends with its own check digit).
    static func damm(_ digits: [Int]) -> Int {
        digits.reduce(0) { table[$0][$1] }
    }

    private static let table: [[Int]] = [
        [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
        [1, 7, 5, 0, 9, 8, 3, 4, 2, 6], [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7], [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
        [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
    ]
}
