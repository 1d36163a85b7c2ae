import Foundation
import SIPASFormats
import SQLKit

/// Inserting hundreds of thousands of rows (frame rows, cases): one bind per 5,000 rows — a JSON
/// array of arrays that the engine unpacks itself (SQLite's `json_each`, PostgreSQL's
/// `json_array_elements`) — instead of a bind per value, which costs more than the insert.
struct BulkInsert {
    enum Kind { case integer, text, real }
    enum Value {
        case integer(Int)
        case text(String?)
        case real(Double)
    }

    let table: String
    let columns: [(name: String, kind: Kind)]
    static let rowsPerStatement = 5000

    func run(_ rows: [[Value]], on sql: any SQLDatabase) async throws {
        let postgres = sql.dialect.name.lowercased().contains("postgres")
        let names = columns.map(\.name).joined(separator: ", ")
        let selects = columns.enumerated().map { i, column -> String in
            if postgres {
                switch column.kind {
                case .integer: return "(e->>\(i))::bigint"
                case .real: return "(e->>\(i))::double precision"
                case .text: return "e->>\(i)"
                }
            }
            return "json_extract(value, '$[\(i)]')"
        }.joined(separator: ", ")
        let from = postgres ? "FROM json_array_elements(" : "FROM json_each("
        for start in stride(from: 0, to: rows.count, by: Self.rowsPerStatement) {
            var json = "["
            json.reserveCapacity(Self.rowsPerStatement * 96)
            for (n, row) in rows[start..<min(start + Self.rowsPerStatement, rows.count)].enumerated() {
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
            json += "]"
            var query = SQLQueryString("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: names)) SELECT \(unsafeRaw: selects) \(unsafeRaw: from)")
            query.appendInterpolation(bind: json)
            query.appendInterpolation(unsafeRaw: postgres ? "::json) AS e" : ")")
            try await sql.raw(query).run()
        }
    }
}
