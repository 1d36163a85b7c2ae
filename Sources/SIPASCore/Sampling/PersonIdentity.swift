import Foundation

/// The same person across several dossiers: a name compared without case, diacritics or spacing,
/// and a phone number compared by its digits (+84 written as 0).
public enum PersonIdentity {
    public static func normalisedName(_ name: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        var pendingSpace = false
        func append(_ byte: UInt8) {
            if pendingSpace { out.append(32); pendingSpace = false }
            out.append(byte)
        }
        for scalar in name.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                let byte = UInt8(v)
                if byte == 32 || (9...13).contains(byte) { pendingSpace = !out.isEmpty; continue }
                append((65...90).contains(byte) ? byte + 32 : byte)
                continue
            }
            if (0x300...0x36F).contains(v) { continue }
            if scalar.properties.isWhitespace { pendingSpace = !out.isEmpty; continue }
            if let base = latinBase[v] { append(base); continue }
            for part in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars where !(0x300...0x36F).contains(part.value) {
                if part.isASCII { append((65...90).contains(UInt8(part.value)) ? UInt8(part.value) + 32 : UInt8(part.value)) } else {
                    for byte in String(part).lowercased().utf8 { append(byte) }
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Latin letters with diacritics (Vietnamese and the rest of the Latin blocks) → their base
    /// letter in lower case, computed once from the canonical decompositions; đ/Đ → d.
    static let latinBase: [UInt32: UInt8] = {
        var table: [UInt32: UInt8] = [0x110: UInt8(ascii: "d"), 0x111: UInt8(ascii: "d")]
        for v in Array(0xC0...0x24F) + Array(0x1E00...0x1EFF) {
            guard let scalar = Unicode.Scalar(v), table[UInt32(v)] == nil else { continue }
            let decomposed = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
            guard decomposed.count > 1, let first = decomposed.first, first.isASCII,
                  decomposed.dropFirst().allSatisfy({ (0x300...0x36F).contains($0.value) }) else { continue }
            let byte = UInt8(first.value)
            table[UInt32(v)] = (65...90).contains(byte) ? byte + 32 : byte
        }
        return table
    }()

    public static func normalisedPhone(_ phone: String) -> String {
        var digits: [UInt8] = []
        var firstVisible: UInt8?
        var secondVisible: UInt8?, thirdVisible: UInt8?
        for byte in phone.utf8 {
            if byte != 32 && byte != 9 {
                if firstVisible == nil { firstVisible = byte } else if secondVisible == nil { secondVisible = byte } else if thirdVisible == nil { thirdVisible = byte }
            }
            if (48...57).contains(byte) { digits.append(byte) }
        }
        let international = firstVisible == UInt8(ascii: "+") && secondVisible == UInt8(ascii: "8") && thirdVisible == UInt8(ascii: "4")
        if international || (digits.starts(with: [56, 52]) && digits.count == 11) {
            digits = [48] + digits.dropFirst(2)
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// Nil when either part is missing: without both, two dossiers are not called the same person.
    public static func key(name: String?, phone: String?) -> String? {
        let n = normalisedName(name ?? ""), p = normalisedPhone(phone ?? "")
        return n.isEmpty || p.isEmpty ? nil : n + "|" + p
    }
}
