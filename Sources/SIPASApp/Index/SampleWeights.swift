import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore
import Synchronization

/// What a drawn sample's fieldwork makes of a campaign's stored responses before the index reads
/// them (sampling-method §8): each response of a case takes the case's final weight — its design
/// weight adjusted for non-response within its cell — and a collection the re-check did not
/// confirm is held out until an administrator keeps it (or for good, once excluded). Kept per
/// campaign until a case event or a new response changes it.
final class SampleWeights: Sendable {
    struct Overlay: Sendable {
        /// The newest case event and response this overlay reflects.
        let version: String
        let weights: [CompactResponses.SampleWeight]
        /// Whether any response is reweighted or held out (else the responses are used as stored).
        let changes: Bool
    }

    private let overlays = Mutex<[Int: Overlay]>([:])

    /// The overlay for the responses of a campaign as they stand (`responses` of them in storage
    /// order); nil when the campaign has no drawn cases.
    func overlay(campaign id: Int, responses: Int, platform: Platform) async throws -> Overlay? {
        let version = try await platform.read { sql in
            let row = try await sql.raw("""
                SELECT (SELECT MAX(id) FROM case_events WHERE campaign_id = \(bind: id)) AS e, (SELECT MAX(id) FROM responses WHERE campaign_id = \(bind: id)) AS r,
                       CASE WHEN EXISTS (SELECT 1 FROM cases WHERE campaign_id = \(bind: id)) THEN 1 ELSE 0 END AS c
                """).first()
            return row.map { r in "\((try? r.decode(column: "e", as: Int?.self)) ?? nil ?? 0)/\((try? r.decode(column: "r", as: Int?.self)) ?? nil ?? 0)/\((try? r.decode(column: "c", as: Int.self)) ?? 0)" }
        }
        guard let version, !version.hasSuffix("/0") else { return nil }
        if let known = overlays.withLock({ $0[id] }), known.version == version, known.weights.count == responses { return known }
        let (cases, stored) = try await platform.read { sql in
            let store = FieldworkRepository()
            return (try await store.allCases(campaignId: id, on: sql), try await store.responseCases(campaignId: id, on: sql))
        }
        let overlay = Self.compute(cases: cases, responses: stored, version: version)
        guard overlay.weights.count == responses else { return nil }
        overlays.withLock { $0[id] = overlay }
        return overlay
    }

    static func compute(cases: [FieldworkRepository.FieldCase], responses: [(id: Int, caseNumber: Int?)], version: String) -> Overlay {
        let final = FinalWeights.compute(cases.filter(\.isActive).map {
            FinalWeights.Case(key: String($0.number), cell: $0.stratum, designWeight: $0.designWeight, sampled: !$0.isReserve,
                              completed: $0.disposition == .collected && !heldOut($0))
        })
        let byNumber = Dictionary(cases.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        var changes = false
        let weights = responses.map { r -> CompactResponses.SampleWeight in
            guard let number = r.caseNumber, let c = byNumber[number] else { return .asStored }
            changes = true
            if heldOut(c) { return .heldOut }
            return final[String(number)].map { .final($0) } ?? .asStored
        }
        return Overlay(version: version, weights: weights, changes: changes)
    }

    /// A collection the re-check did not confirm, not kept by an administrator.
    static func heldOut(_ c: FieldworkRepository.FieldCase) -> Bool {
        c.recheckDecision == "excluded" || (c.recheck == "not_confirmed" && c.recheckDecision != "kept")
    }
}
