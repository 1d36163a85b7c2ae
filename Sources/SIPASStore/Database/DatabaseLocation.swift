import SIPASCore
import Foundation

/// Where the data lives: an embedded SQLite file (the default, under `./sipas-data/`) or a
/// PostgreSQL server given by URL (`postgres://user:password@host:5432/name`).
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case sqliteInMemory
    case postgres(host: String, port: Int, user: String, password: String?, database: String)

    public static let defaultSQLitePath = "sipas-data/sipas.sqlite"

    /// Parses `--database` / `DATABASE_URL`: a postgres URL, `sqlite:PATH`, `sqlite::memory:`, or a file path.
    public init(parsing text: String) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let url = URL(string: text), let host = url.host else {
                throw DatabaseError.badLocation("không đọc được địa chỉ PostgreSQL \"\(Self.redacted(text))\"; dạng đúng: postgres://user:password@host:5432/database (malformed PostgreSQL URL)")
            }
            let name = url.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard !name.isEmpty else {
                throw DatabaseError.badLocation("địa chỉ PostgreSQL thiếu tên cơ sở dữ liệu sau dấu \"/\" (the URL names no database)")
            }
            self = .postgres(host: host, port: url.port ?? 5432, user: url.user ?? "postgres",
                             password: url.password?.removingPercentEncoding, database: name)
        } else if text == "sqlite::memory:" || text == ":memory:" {
            self = .sqliteInMemory
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: ""))
        } else {
            self = .sqlite(path: text)
        }
    }

    public var description: String {
        switch self {
        case let .sqlite(path): return "SQLite \(path)"
        case .sqliteInMemory: return "SQLite (bộ nhớ)"
        case let .postgres(host, port, user, _, database): return "PostgreSQL \(user)@\(host):\(port)/\(database)"
        }
    }

    /// The URL with its password hidden, for logs and messages.
    static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #"://([^:/@]+):[^@]*@"#, with: "://$1:***@", options: .regularExpression)
    }
}

public enum DatabaseError: Error, CustomStringConvertible {
    case badLocation(String)
    case migration(String)
    /// No connection came free in time: the server is overloaded, the request changed nothing.
    case busy
    /// The disk (or the database's size limit) is full: the write was rolled back, nothing changed.
    case storageFull

    public var description: String {
        switch self {
        case .storageFull: return "máy chủ đã hết dung lượng lưu trữ nên chưa ghi được; không có gì bị thay đổi, dữ liệu đã lưu vẫn an toàn. Hãy báo quản trị hệ thống giải phóng dung lượng đĩa rồi gửi lại (storage is full: nothing was changed)"
        case let .badLocation(m), let .migration(m): return m
        case .busy: return "máy chủ đang bận, chưa có kết nối cơ sở dữ liệu trống; hãy thử lại sau ít giây (no database connection came free in time)"
        }
    }
}
