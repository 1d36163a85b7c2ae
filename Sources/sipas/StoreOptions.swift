import ArgumentParser
import Foundation
import Logging
import SIPASApp
import SIPASStore

/// `--database URL` (or `DATABASE_URL`): PostgreSQL URL or SQLite file; default ./sipas-data/sipas.sqlite.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "postgres://user:password@host:5432/name, hoặc đường dẫn tệp SQLite (mặc định ./sipas-data/sipas.sqlite; biến môi trường DATABASE_URL).")
    var database: String?

    func location() throws -> DatabaseLocation {
        let text = database ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? DatabaseLocation.defaultSQLitePath
        do {
            return try DatabaseLocation(parsing: text)
        } catch {
            throw CLIFailure.usage("\(error)")
        }
    }

    /// Opens and prepares the store, runs `body` on the application over it, closes it.
    func withPlatform<T>(logger: Logger = Logger(label: "sipas"), _ body: (Platform) async throws -> T) async throws -> T {
        try await withStore(logger: logger) { db in try await body(Platform(db: db)) }
    }

    /// Opens and prepares the store (migrations, registers, built-ins), runs `body`, closes it.
    func withStore<T>(logger: Logger = Logger(label: "sipas"), _ body: (Database) async throws -> T) async throws -> T {
        let db: Database
        do {
            db = try await Database.open(try location(), logger: logger)
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure(code: 69, message: "không mở được cơ sở dữ liệu: \(error) (cannot open the database)")
        }
        do {
            try await prepareStore(db, logger: logger)
            let result = try await body(db)
            await db.close()
            return result
        } catch let error as AppError {
            await db.close()
            throw CLIFailure(error)
        } catch {
            await db.close()
            throw error
        }
    }
}
