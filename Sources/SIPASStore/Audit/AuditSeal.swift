import Crypto
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import SIPASCore

/// The secret that seals the audit chain, and the chain's last known head, both kept outside the
/// database: someone who can edit the database file but not read the key can neither recompute
/// the chain after an edit nor truncate it unnoticed (the head says how far it reached).
public struct AuditSeal: Sendable {
    let key: SymmetricKey
    /// Where the key lives (shown by `sipas audit verify` and in the README).
    public let keyFile: String
    /// Where head checkpoints are kept (beside the key).
    let directory: String
    /// The checkpoint's name before chains named their own (by the database's path): read once, to carry it over.
    let legacyCheckpointFile: String
    /// The chain's identity: its first entry's keyed hash, which travels with every copy of the
    /// database, so that a copy verifies wherever it is put.
    private let identity = ChainIdentity()

    /// The head checkpoint of this database's chain.
    var checkpointFile: String {
        guard let id = identity.value else { return legacyCheckpointFile }
        return (directory as NSString).appendingPathComponent("audit-head-" + id.prefix(16))
    }

    /// Names the chain (from its first entry's hash), carrying over a checkpoint kept under the
    /// database's path by an earlier version.
    func identify(firstHash: String?) {
        guard let firstHash, identity.value != firstHash else { return }
        identity.set(firstHash)
        let manager = FileManager.default
        if !manager.fileExists(atPath: checkpointFile), manager.fileExists(atPath: legacyCheckpointFile) {
            try? manager.copyItem(atPath: legacyCheckpointFile, toPath: checkpointFile)
        }
    }
    /// True when this call made the key (first start): chains written before it are re-sealed.
    public let created: Bool

    /// The key file: `SIPAS_AUDIT_KEY_FILE`, else `audit.key` beside the SQLite file, else
    /// `./sipas-data/audit.key`.
    public static func defaultKeyFile(for location: DatabaseLocation) -> String {
        if let path = ProcessInfo.processInfo.environment["SIPAS_AUDIT_KEY_FILE"], !path.isEmpty { return path }
        switch location {
        case let .sqlite(path):
            let directory = (path as NSString).deletingLastPathComponent
            return ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent("audit.key")
        case .sqliteInMemory, .postgres:
            return "sipas-data/audit.key"
        }
    }

    /// Reads the key, creating it (32 random bytes, mode 0600) when it does not exist yet.
    public static func open(keyFile: String, database location: DatabaseLocation) throws -> AuditSeal {
        let manager = FileManager.default
        var created = false
        if !manager.fileExists(atPath: keyFile) {
            let directory = (keyFile as NSString).deletingLastPathComponent
            if !directory.isEmpty { try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let hex = SHA256Hex.hex(bytes) + "\n"
            created = Self.publish(hex, at: keyFile)
        }
        guard let text = try? String(contentsOfFile: keyFile, encoding: .utf8),
              let bytes = Self.bytes(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw DatabaseError.badLocation("không đọc được khóa nhật ký \(keyFile) (64 chữ số hex); khôi phục tệp khóa từ bản sao lưu (the audit key file is unreadable)")
        }
        let identity: String
        switch location {
        case let .sqlite(path): identity = "sqlite:" + (path.hasPrefix("/") ? path : manager.currentDirectoryPath + "/" + path)
        case .sqliteInMemory: identity = "memory:\(UUID().uuidString)"
        case let .postgres(host, port, _, _, database): identity = "postgres:\(host):\(port)/\(database)"
        }
        let directory = (keyFile as NSString).deletingLastPathComponent
        let name = "audit-head-" + SHA256Hex.of(identity).prefix(16)
        let folder = directory.isEmpty ? "." : directory
        return AuditSeal(key: SymmetricKey(data: bytes), keyFile: keyFile, directory: folder,
                         legacyCheckpointFile: (folder as NSString).appendingPathComponent(String(name)), created: created)
    }

    /// Writes a new key file (mode 0600) aside, then links it into place, which fails if a key is
    /// already there: two processes or tests starting at once never each write a key of their own,
    /// and none reads a key half written. Whether this call's key is the one in place.
    static func publish(_ text: String, at keyFile: String) -> Bool {
        let aside = keyFile + ".new-" + UUID().uuidString
        let fd = Foundation.open(aside, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { return false }
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
        fsync(fd)
        close(fd)
        defer { unlink(aside) }
        return link(aside, keyFile) == 0
    }

    static func bytes(hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: utf8.count, by: 2) {
            guard let byte = UInt8(String(decoding: utf8[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }

    func mac(_ text: String) -> String {
        SHA256Hex.hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
    }

    /// The same MAC as `mac` of the texts' concatenation, fed piece by piece: a sealed state of
    /// tens of megabytes is never copied into one text.
    struct MAC {
        fileprivate var hmac: HMAC<SHA256>
        mutating func update(_ text: String) {
            var text = text
            text.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        }
        func hex() -> String { SHA256Hex.hex(hmac.finalize()) }
    }

    func startMAC() -> MAC { MAC(hmac: HMAC<SHA256>(key: key)) }

    // MARK: The head checkpoint

    public struct Head: Sendable, Equatable {
        public var id: Int
        public var hash: String
    }

    enum Checkpoint: Equatable {
        case missing, unsealed
        case head(Head)
    }

    /// The last head written, if its seal holds.
    func readCheckpoint() -> Checkpoint {
        guard let text = try? String(contentsOfFile: checkpointFile, encoding: .utf8) else { return .missing }
        let parts = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard parts.count == 3, let id = Int(parts[0]), mac("\(parts[0]) \(parts[1])") == parts[2] else { return .unsealed }
        return .head(Head(id: id, hash: parts[1]))
    }

    /// Moves the checkpoint forward (never back: a slower process must not undo a newer head).
    func advance(to head: Head) {
        if case let .head(current) = readCheckpoint(), current.id >= head.id { return }
        write(head)
    }

    /// Sets the checkpoint to `head` whatever it was (a restore, a re-seal).
    func write(_ head: Head) {
        let body = "\(head.id) \(head.hash)"
        let temporary = checkpointFile + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((body + " " + mac(body) + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else { return }
        rename(temporary, checkpointFile)
    }
}

/// A value set once a process knows it (shared by every copy of the seal).
final class ChainIdentity: Sendable {
    private let state = Mutex<String?>(nil)
    var value: String? { state.withLock { $0 } }
    func set(_ value: String) { state.withLock { $0 = value } }
}
