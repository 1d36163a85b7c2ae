#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsers for the value syntaxes of the responses format, straight from bytes.
enum ValueParsing {
    /// `[+-]?[0-9]+` (leading zeros allowed), within ±10^17.
    @inline(__always)
    static func integer(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = start
        var negative = false
        if i < end && (p[i] == 43 || p[i] == 45) { negative = p[i] == 45; i += 1 }
        guard i < end, end - i <= 17 else { return nil }
        var value = 0
        while i < end {
            let d = Int(p[i]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            value = value * 10 + d
            i += 1
        }
        return negative ? -value : value
    }

    /// A decimal number: `[+-]?(digits[.digits]|.digits)`, with an exponent when `exponent` is
    /// allowed. Converted by the C library, so the double is the correctly rounded one.
    static func decimal(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, exponent: Bool) -> Double? {
        var i = start
        if i < end && (p[i] == 43 || p[i] == 45) { i += 1 }
        var digits = 0
        while i < end && p[i] >= 48 && p[i] <= 57 { i += 1; digits += 1 }
        if i < end && p[i] == 46 {
            i += 1
            while i < end && p[i] >= 48 && p[i] <= 57 { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if exponent && i < end && (p[i] == 101 || p[i] == 69) {
            i += 1
            if i < end && (p[i] == 43 || p[i] == 45) { i += 1 }
            var expDigits = 0
            while i < end && p[i] >= 48 && p[i] <= 57 { i += 1; expDigits += 1 }
            guard expDigits > 0 else { return nil }
        }
        guard i == end, end - start < 64 else { return nil }
        if let fast = exactDecimal(p, start, end) { return fast }
        var text = [CChar](repeating: 0, count: end - start + 1)
        for k in 0..<(end - start) { text[k] = CChar(bitPattern: p[start + k]) }
        let value = strtod(text, nil)
        return value.isFinite ? value : nil
    }

    /// 10^k for k in 0...22, all exact in a double.
    @inline(__always)
    private static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    /// Clinger's fast path: a decimal with at most 15 significant digits and 22 fraction digits is
    /// an exact integer divided by an exact power of ten, so one division is correctly rounded —
    /// the same double strtod gives, without its cost.
    @inline(__always)
    private static func exactDecimal(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        var negative = false
        if p[i] == 43 || p[i] == 45 { negative = p[i] == 45; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = -1
        while i < end {
            let b = p[i]
            if b == 46 { fraction = 0; i += 1; continue }
            guard b >= 48 && b <= 57 else { return nil }
            if mantissa != 0 || b != 48 { digits += 1 }
            mantissa = mantissa &* 10 &+ UInt64(b - 48)
            if fraction >= 0 { fraction += 1 }
            i += 1
        }
        guard digits <= 15, fraction <= 22 else { return nil }
        let value = Double(mantissa) / powerOfTen(max(fraction, 0))
        return negative ? -value : value
    }

    /// ISO 8601 calendar date `YYYY-MM-DD`, optionally followed by `Thh:mm[:ss[.fff]]` and a zone
    /// (`Z` or `±hh:mm`); a space may stand for the `T`.
    static func isISODate(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= end else { return nil }
            var v = 0
            for k in 0..<count {
                let d = Int(p[at + k]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let year = digits(start, 4), start + 4 < end, p[start + 4] == 45,
              let month = digits(start + 5, 2), start + 7 < end, p[start + 7] == 45,
              let day = digits(start + 8, 2) else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1] else { return false }
        var i = start + 10
        if i == end { return true }
        guard p[i] == 84 || p[i] == 32, let hour = digits(i + 1, 2), hour <= 23,
              i + 3 < end, p[i + 3] == 58, let minute = digits(i + 4, 2), minute <= 59 else { return false }
        i += 6
        if i < end && p[i] == 58 {
            guard let second = digits(i + 1, 2), second <= 60 else { return false }
            i += 3
            if i < end && (p[i] == 46 || p[i] == 44) {
                i += 1
                let fractionStart = i
                while i < end && p[i] >= 48 && p[i] <= 57 { i += 1 }
                guard i > fractionStart else { return false }
            }
        }
        if i == end { return true }
        if p[i] == 90 { return i + 1 == end }
        guard p[i] == 43 || p[i] == 45, let zh = digits(i + 1, 2), zh <= 14 else { return false }
        i += 3
        if i == end { return true }
        if p[i] == 58 { i += 1 }
        guard let zm = digits(i, 2), zm <= 59 else { return false }
        return i + 2 == end
    }
}
