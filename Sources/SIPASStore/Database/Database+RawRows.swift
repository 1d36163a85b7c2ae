import SIPASCore
import Foundation
import PostgresNIO
import SQLiteNIO

/// A value of a raw row, for bulk reads that skip the Decodable machinery.
public enum RawValue: Sendable {
    case null, text(String), integer(Int), real(Double), blob([UInt8])

    public var string: String? {
        switch self {
        case .null: return nil
        case let .text(s): return s
        case let .integer(i): return String(i)
        case let .real(d): return String(d)
        case .blob: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .null: return nil
        case let .text(s): return Double(s)
        case let .integer(i): return Double(i)
        case let .real(d): return d
        case .blob: return nil
        }
    }
}

public enum RawBind: Sendable {
    case integer(Int), text(String)
}

extension Database {
    /// Streams the rows of a read query straight from the driver (a million rows in a few hundred
    /// milliseconds rather than seconds). Placeholders are written `?1`, `?2`…: they become `$1`…
    /// on PostgreSQL. Values are always bound, never spliced into the text.
    public func forEachRawRow(_ sql: String, _ binds: [RawBind], _ body: @escaping @Sendable ([RawValue]) -> Void) async throws {
        if holdsConnection { return try await streamRawRows(sql, binds, body) }
        try await bulkReads.run(timeout: Self.readTimeout) { try await streamRawRows(sql, binds, body) }
    }

    private func streamRawRows(_ sql: String, _ binds: [RawBind], _ body: @escaping @Sendable ([RawValue]) -> Void) async throws {
        switch engine {
        case .sqlite:
            try await withSQLiteReader { connection in
                try await connection.query(sql, binds.map { bind -> SQLiteData in
                    switch bind {
                    case let .integer(i): return .integer(i)
                    case let .text(s): return .text(s)
                    }
                }) { row in
                    body(row.columns.map { column in
                        switch column.data {
                        case .null: return .null
                        case let .blob(buffer): return .blob(Array(buffer.readableBytesView))
                        case let .integer(i): return .integer(i)
                        case let .float(d): return .real(d)
                        case let .text(s): return .text(s)
                        }
                    })
                }
            }
        case .postgres:
            var text = sql
            for i in stride(from: binds.count, through: 1, by: -1) { text = text.replacingOccurrences(of: "?\(i)", with: "$\(i)") }
            var bindings = PostgresBindings()
            for bind in binds {
                switch bind {
                case let .integer(i): bindings.append(i)
                case let .text(s): bindings.append(s)
                }
            }
            let query = PostgresQuery(unsafeSQL: text, binds: bindings)
            try await withPostgresConnection { connection in
                let rows = try await connection.query(query, logger: connection.logger)
                for try await row in rows {
                    body(row.makeRandomAccess().map { cell -> RawValue in
                        guard cell.bytes != nil else { return .null }
                        switch cell.dataType {
                        case .int2, .int4, .int8: return (try? cell.decode(Int.self)).map { .integer($0) } ?? .null
                        case .float4, .float8, .numeric: return (try? cell.decode(Double.self)).map { .real($0) } ?? .null
                        case .bytea: return cell.bytes.map { .blob(Array($0.readableBytesView)) } ?? .null
                        default: return (try? cell.decode(String.self)).map { .text($0) } ?? .null
                        }
                    })
                }
            }
        }
    }
}
