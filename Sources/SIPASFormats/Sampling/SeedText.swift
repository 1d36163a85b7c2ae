import Foundation

/// Seeds an official does not type: 32 hex digits from the system's secure generator.
public enum SeedText {
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
