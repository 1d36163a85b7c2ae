import Foundation
import SIPASFormats
import SQLKit

/// Inserting hundreds of thousands of rows (frame rows, cases): one bind per 5,000 rows — a JSON
/// array of arrays that the engine unpacks itself (SQLite's `json_each`, PostgreSQL's
/// `json_array_elements`) — instead of a bind per value, which costs more than the insert.
struct BulkInsert {
    enum Kind { case integer, text, real }
    enum Value: Sendable {
        case integer(Int)
        case text(String?)
        case real(Double)
    }

    let table: String
    let columns: [(name: String, kind: Kind)]
    /// Columns with the same value in every row, bound once per statement.
    var fixed: [(name: String, value: Value)] = []
    static let rowsPerStatement = 5000

    func run(_ rows: [[Value]], on sql: any SQLDatabase) async throws {
        let postgres = sql.dialect.name.lowercased().contains("postgres")
        let names = (fixed.map(\.name) + columns.map(\.name)).joined(separator: ", ")
        let selects = columns.enumerated().map { i, column -> String in
            if postgres {
                switch column.kind {
                case .integer: return "(e->>\(i))::bigint"
                case .real: return "(e->>\(i))::double precision"
                case .text: return "e->>\(i)"
                }
            }
            return "value ->> \(i)"
        }.joined(separator: ", ")
        let from = postgres ? "FROM json_array_elements(" : "FROM json_each("
        let starts = Array(stride(from: 0, to: rows.count, by: Self.rowsPerStatement))
        guard !starts.isEmpty else { return }
        // The next statement's JSON is built while the database runs the current one.
        var next = Task { Self.json(rows[0..<min(Self.rowsPerStatement, rows.count)]) }
        for n in starts.indices {
            let json = await next.value
            if n + 1 < starts.count {
                let following = starts[n + 1]
                next = Task { Self.json(rows[following..<min(following + Self.rowsPerStatement, rows.count)]) }
            }
            var query = SQLQueryString("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: names)) SELECT ")
            for (_, value) in fixed {
                switch value {
                case .integer(let v): query.appendInterpolation(bind: v)
                case .real(let v): query.appendInterpolation(bind: v)
                case .text(let v): query.appendInterpolation(bind: v)
                }
                query.appendInterpolation(unsafeRaw: postgres ? "::\(Self.postgresType(value)), " : ", ")
            }
            query.appendInterpolation(unsafeRaw: "\(selects) \(from)")
            query.appendInterpolation(bind: json)
            query.appendInterpolation(unsafeRaw: postgres ? "::json) AS e" : ")")
            try await sql.raw(query).run()
        }
    }

    private static func postgresType(_ value: Value) -> String {
        switch value {
        case .integer: "bigint"
        case .real: "double precision"
        case .text: "text"
        }
    }

    private static func json(_ rows: ArraySlice<[Value]>) -> String {
        var json = "["
        json.reserveCapacity(rows.count * 96)
        for (n, row) in rows.enumerated() {
            if n > 0 { json += "," }
            json += "["
            for (i, value) in row.enumerated() {
                if i > 0 { json += "," }
                switch value {
                case .integer(let v): json += String(v)
                case .real(let v): json += v.isFinite ? v.description : "null"
                case .text(let v): json += v.map(DocumentWriter.quoted) ?? "null"
                }
            }
            json += "]"
        }
        return json + "]"
    }
}
