import Crypto
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The key that encrypts frames' contact columns (names, addresses, phones, ID numbers) at rest,
/// AES-GCM. Kept like the audit key but in a file of its own (`contacts.key` beside it, or
/// `SIPAS_CONTACTS_KEY_FILE`): an inspector given the database and the audit key to verify the
/// chain must not be able to read who was sampled.
public struct ContactSeal: Sendable {
    let key: SymmetricKey
    public let keyFile: String

    private static let opened = Mutex<[String: SymmetricKey]>([:])

    public static func keyFile(besideAuditKey auditKey: String) -> String {
        if let path = ProcessInfo.processInfo.environment["SIPAS_CONTACTS_KEY_FILE"], !path.isEmpty { return path }
        return ((auditKey as NSString).deletingLastPathComponent as NSString).appendingPathComponent("contacts.key")
    }

    /// Reads the key, creating it (32 random bytes, mode 0600) the first time.
    public static func open(keyFile: String) throws -> ContactSeal {
        if let key = opened.withLock({ $0[keyFile] }) { return ContactSeal(key: key, keyFile: keyFile) }
        if !FileManager.default.fileExists(atPath: keyFile) {
            let directory = (keyFile as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let hex = SHA256Hex.hex(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) + "\n"
            _ = AuditSeal.publish(hex, at: keyFile)
        }
        guard let text = try? String(contentsOfFile: keyFile, encoding: .utf8),
              let bytes = AuditSeal.bytes(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw DatabaseError.badLocation("không đọc được khóa mã hóa thông tin liên hệ \(keyFile) (64 chữ số hex); khôi phục tệp khóa từ bản sao lưu (the contacts key file is unreadable)")
        }
        let key = SymmetricKey(data: bytes)
        opened.withLock { $0[keyFile] = key }
        return ContactSeal(key: key, keyFile: keyFile)
    }

    /// Base64 of nonce + ciphertext + tag; `context` (the frame and row) is bound as associated
    /// data, so a sealed value moved to another row no longer opens.
    public func seal(_ plaintext: [UInt8], context: String) throws -> String {
        try AES.GCM.seal(plaintext, using: key, authenticating: Array(context.utf8)).combined!.base64EncodedString()
    }

    public func open(_ sealed: String, context: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: sealed) else { throw DatabaseError.migration("thông tin liên hệ bị hỏng (damaged sealed contact data)") }
        return Array(try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: key, authenticating: Array(context.utf8)))
    }
}

extension Database {
    /// The contacts key of this database (beside its audit key).
    public func contactSeal() throws -> ContactSeal {
        try ContactSeal.open(keyFile: ContactSeal.keyFile(besideAuditKey: auditSeal.keyFile))
    }
}
