import SIPASCore
import Crypto

/// SHA-256 as lowercase hex. Hand-rolled hex: `String(format:)` per byte costs more than the hash
/// itself, and a million-row import hashes every row.
enum SHA256Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func of(_ text: String) -> String {
        var text = text
        return text.withUTF8 { of(UnsafeRawBufferPointer($0)) }
    }

    static func of(_ bytes: UnsafeRawBufferPointer) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        String(unsafeUninitializedCapacity: 64) { out in
            var i = 0
            for byte in digest {
                out[i] = digits[Int(byte >> 4)]
                out[i + 1] = digits[Int(byte & 15)]
                i += 2
            }
            return 64
        }
    }
}
