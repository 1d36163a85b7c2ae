import CSIPASDigest
import Foundation

/// The one source of randomness of a draw (sampling-method §2):
/// `U(seed, part1, …, partk)` = the first 8 bytes of SHA-256(seed|part1|…|partk), big-endian,
/// shifted right by 11, over 2^53. Every part is NFC text, so the same name typed on two machines
/// gives the same number.
public struct SeededUniform: Sendable {
    public let seed: String

    public init(seed: String) { self.seed = seed }

    public func value(_ parts: [String]) -> Double {
        var bytes = Array(Self.nfc(seed).utf8)
        for part in parts {
            bytes.append(UInt8(ascii: "|"))
            bytes += Self.nfc(part).utf8
        }
        return bytes.withUnsafeBufferPointer { Self.uniform(of: $0) }
    }

    /// The bytes every value of one stratum starts with (`seed|stage|stratum|`), so that a row
    /// costs one digest of its key appended.
    public func prefix(_ parts: [String]) -> [UInt8] {
        var bytes = Array(Self.nfc(seed).utf8)
        for part in parts {
            bytes.append(UInt8(ascii: "|"))
            bytes += Self.nfc(part).utf8
        }
        bytes.append(UInt8(ascii: "|"))
        return bytes
    }

    /// U of a message already laid out as `prefix + key` (the key's bytes in NFC).
    public static func uniform(of message: UnsafeBufferPointer<UInt8>) -> Double {
        var digest = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &digest) { out in
            sipas_sha256(message.baseAddress, message.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return Double(UInt64(bigEndian: digest.0) >> 11) / 9_007_199_254_740_992.0
    }

    /// NFC, with the common all-ASCII case left untouched (ASCII is always in NFC).
    public static func nfc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        return text.precomposedStringWithCanonicalMapping
    }
}

/// SHA-256 as lowercase hex, for content hashes of files and projections.
public struct ContentDigest: Sendable {
    private var context = sipas_sha256_context()

    public init() { sipas_sha256_init(&context) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        sipas_sha256_update(&context, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func finalHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        sipas_sha256_final(&context, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    public static func hex(of bytes: [UInt8]) -> String {
        var digest = ContentDigest()
        digest.update(bytes)
        return digest.finalHex()
    }

    /// Whether the CPU's SHA instructions are in use.
    public static var usesHardware: Bool { sipas_sha256_uses_hardware() != 0 }
}
