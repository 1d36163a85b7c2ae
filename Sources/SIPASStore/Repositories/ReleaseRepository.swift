import Foundation
import SIPASCore
import SQLKit

/// Each campaign's releases, newest last.
public struct ReleaseRepository: Sendable {
    public struct Stored: Sendable {
        public var campaignId: Int
        public var number: Int
        /// The release covers the first `responses` responses in storage order, up to this id.
        public var responses: Int
        public var lastResponseId: Int
        public var pattern: ReleasePattern
        public var createdAt: String

        public init(campaignId: Int, number: Int, responses: Int, lastResponseId: Int, pattern: ReleasePattern, createdAt: String) {
            self.campaignId = campaignId
            self.number = number
            self.responses = responses
            self.lastResponseId = lastResponseId
            self.pattern = pattern
            self.createdAt = createdAt
        }
    }

    public init() {}

    public func count(campaignId: Int, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM releases WHERE campaign_id = \(bind: campaignId)").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public func latest(campaignId: Int, on sql: any SQLDatabase) async throws -> Stored? {
        try await sql.raw("""
            SELECT campaign_id, number, responses, last_response_id, pattern, created_at FROM releases
            WHERE campaign_id = \(bind: campaignId) ORDER BY number DESC LIMIT 1
            """).first().map(Self.decode)
    }

    /// The latest release's number and state, without its pattern.
    public func latestHeader(campaignId: Int, on sql: any SQLDatabase) async throws -> (number: Int, responses: Int)? {
        guard let row = try await sql.raw("""
            SELECT number, responses FROM releases WHERE campaign_id = \(bind: campaignId) ORDER BY number DESC LIMIT 1
            """).first() else { return nil }
        return (try row.decode(column: "number", as: Int.self), try row.decode(column: "responses", as: Int.self))
    }

    public func all(campaignId: Int, on sql: any SQLDatabase) async throws -> [Stored] {
        try await sql.raw("""
            SELECT campaign_id, number, responses, last_response_id, pattern, created_at FROM releases
            WHERE campaign_id = \(bind: campaignId) ORDER BY number
            """).all().map(Self.decode)
    }

    public func insert(_ release: Stored, on sql: any SQLDatabase) async throws {
        let pattern = String(decoding: try JSONEncoder.sorted.encode(release.pattern), as: UTF8.self)
        try await sql.raw("""
            INSERT INTO releases (campaign_id, number, responses, last_response_id, pattern, created_at)
            VALUES (\(bind: release.campaignId), \(bind: release.number), \(bind: release.responses), \(bind: release.lastResponseId),
                    \(bind: pattern), \(bind: release.createdAt))
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> Stored {
        let text = try row.decode(column: "pattern", as: String.self)
        return Stored(campaignId: try row.decode(column: "campaign_id", as: Int.self), number: try row.decode(column: "number", as: Int.self),
                      responses: try row.decode(column: "responses", as: Int.self),
                      lastResponseId: try row.decode(column: "last_response_id", as: Int.self),
                      pattern: try JSONDecoder().decode(ReleasePattern.self, from: Data(text.utf8)),
                      createdAt: try row.decode(column: "created_at", as: String.self))
    }
}

extension JSONEncoder {
    /// Keys sorted, so that the same pattern is always the same text (and digest).
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
