import Foundation
import SIPASCore
import SIPASStore
import SQLKit
import Synchronization

/// The application: every use case of the platform, over one database. The API, the screens,
/// OpenRosa and the command line call these and nothing below them, so each rule — who may do
/// what, in which scope, with which input — is written once, here.
public final class Platform: Sendable {
    public let db: Database
    public let limits: Limits
    let store: Repositories
    /// Every response write goes through it: concurrent submissions commit together.
    let responseWriter: ResponseWriter
    /// Keyed forms: clerks saving at the same moment commit together.
    let keyingWriter: GroupCommit
    let throttle = SignInThrottle()
    let expensive = ExpensiveWork()
    let figuresCache = FiguresCache()
    let releaseCache = ReleaseCache()
    let releasedTables = ReleasedTables()
    let receivedCounts = ReceivedCounts()
    let sampleWeights = SampleWeights()
    let progressCounts = ProgressCounts()
    /// Changes whenever a campaign's status does, publication included: caches of public pages
    /// keyed on it never serve a campaign that is no longer public.
    public let publicationEpoch = Epoch()

    public init(db: Database, limits: Limits = Limits(), bcryptCost: UInt8 = 12) {
        self.db = db
        self.limits = limits
        store = Repositories(db, bcryptCost: bcryptCost)
        responseWriter = ResponseWriter(db)
        keyingWriter = GroupCommit(db)
    }

    public var accounts: Accounts { Accounts(self) }
    public var unitRegister: UnitRegister { UnitRegister(self) }
    public var questionnaires: Questionnaires { Questionnaires(self) }
    public var campaigns: Campaigns { Campaigns(self) }
    public var responses: Responses { Responses(self) }
    public var index: CampaignIndexQueries { CampaignIndexQueries(self) }
    public var audit: AuditTrail { AuditTrail(self) }
    public var samplingFrames: SamplingFrames { SamplingFrames(self) }
    public var samplingDesigns: SamplingDesigns { SamplingDesigns(self) }
    public var samplingDraws: SamplingDraws { SamplingDraws(self) }
    public var samplingHandover: SamplingHandover { SamplingHandover(self) }
    public var postOffices: PostOffices { PostOffices(self) }
    public var assignments: Assignments { Assignments(self) }
    public var dispositions: Dispositions { Dispositions(self) }
    public var fieldworkCases: FieldworkCases { FieldworkCases(self) }
    public var fieldworkProgress: FieldworkProgress { FieldworkProgress(self) }
    public var rechecks: Rechecks { Rechecks(self) }
    public var doubleEntry: DoubleEntry { DoubleEntry(self) }
    public var fieldworkDocuments: FieldworkDocuments { FieldworkDocuments(self) }
    public var entryProgress: EntryProgress { EntryProgress(self) }

    /// Whether storage answers (for health checks): a read that waits at most 3 s — on two busy
    /// cores a second is a wait, not an outage.
    public func storageIsReachable() async -> Bool {
        do {
            return try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { _ = try await self.db.read { try await $0.raw("SELECT 1 AS ok").all() }; return true }
                group.addTask { try await Task.sleep(for: .seconds(3)); return false }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
        } catch {
            return false
        }
    }
}

/// Size limits of what the platform accepts.
public struct Limits: Sendable {
    /// A JSON request body.
    public var jsonBytes: Int
    /// A responses CSV import.
    public var importBytes: Int
    /// A questionnaire document.
    public var questionnaireBytes: Int
    /// The groups of one index result (a grouping by identifiers makes one per response).
    public var indexGroups: Int

    public init(jsonBytes: Int = 1 << 20, importBytes: Int = 256 << 20, questionnaireBytes: Int = 4 << 20,
                indexGroups: Int = CampaignIndexQueries.maxGroups) {
        self.jsonBytes = jsonBytes
        self.importBytes = importBytes
        self.questionnaireBytes = questionnaireBytes
        self.indexGroups = indexGroups
    }
}

/// A counter bumped on every change of what it stands for.
public final class Epoch: Sendable {
    private let value = Atomic<Int>(0)
    public init() {}
    public var current: Int { value.load(ordering: .acquiring) }
    func bump() { value.add(1, ordering: .releasing) }
}

/// The repositories the use cases work through.
struct Repositories: Sendable {
    let units: UnitRepository
    let users: UserRepository
    let questionnaires: QuestionnaireRepository
    let campaigns: CampaignRepository
    let responses: ResponseRepository
    let audit: AuditLog

    init(_ db: Database, bcryptCost: UInt8) {
        units = UnitRepository(db)
        users = UserRepository(db, bcryptCost: bcryptCost)
        questionnaires = QuestionnaireRepository(db)
        campaigns = CampaignRepository(db)
        responses = ResponseRepository(db)
        audit = AuditLog(db)
    }
}

extension Platform {
    /// Runs `body` in a transaction, with storage errors mapped to the application's.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do { return try await db.transaction(body) } catch { throw AppError.from(error) }
    }

    /// The questionnaire version a campaign uses.
    func questionnaire(of campaign: Campaign) async throws -> QuestionnaireRepository.Stored {
        let store = self.store
        guard let found = try await read({ sql in try await store.questionnaires.find(id: campaign.questionnaireId, on: sql) }) else {
            throw AppError.notFound("bảng hỏi của kỳ đo lường")
        }
        return found
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do { return try await db.read(body) } catch { throw AppError.from(error) }
    }

    /// Records a state change in the audit log, inside the caller's transaction.
    func record(_ user: User?, _ action: String, entity: String, id: String, before: String? = nil, after: String? = nil,
                detail: String = "", on sql: any SQLDatabase) async throws {
        try await AuditLog.append([AuditLog.Change(userId: user?.id, actor: user?.username ?? "system", action: action, entity: entity,
                                                   entityId: id, before: before, after: after, detail: detail)], on: sql, db: db)
    }

    /// A transaction that changes cases' fieldwork: writers take turns from the start (the seal
    /// of the campaign's fieldwork is a running sum), so that none waits on another's rows.
    func fieldworkTransaction<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        let db = self.db
        return try await transaction { sql in
            try await FieldworkSeal.lock(sql, db)
            return try await body(sql)
        }
    }

    /// A fieldwork change committed together with those arriving at the same moment (each alone
    /// all the same: its own savepoint, result and error).
    func groupedFieldworkTransaction<T: Sendable>(_ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        let db = self.db
        do {
            return try await keyingWriter.run { sql in
                try await FieldworkSeal.lock(sql, db)
                return try await body(sql)
            }
        } catch { throw AppError.from(error) }
    }

    /// Records a change to a campaign's fieldwork: the cases it touched are sealed anew and the
    /// audit entry carries the campaign's new fieldwork seal (what verification recomputes).
    func recordFieldwork(_ user: User?, _ action: String, campaign id: Int, cases numbers: [Int], detail: String, on sql: any SQLDatabase) async throws {
        try await FieldworkSeal(db).record(campaignId: id, cases: numbers, change: AuditLog.Change(
            userId: user?.id, actor: user?.username ?? "system", action: action, entity: FieldworkSeal.entity, entityId: String(id),
            beforeDigest: nil, afterDigest: nil, detail: detail), on: sql)
    }

    /// Records the new state of a campaign, questionnaire or province's units: the audit entry
    /// carries its keyed digest, which verification compares with the database.
    func recordState(_ user: User?, _ kind: SealedState.Kind, id: String, action: String, detail: String = "", on sql: any SQLDatabase) async throws {
        try await store.audit.recordState(kind, id: id, action: action, userId: user?.id, actor: user?.username ?? "system", detail: detail, on: sql)
    }

    /// Records an account's new state (what verification compares the account with).
    func recordUserState(_ actor: User?, _ action: String, userId: Int, detail: String = "", on sql: any SQLDatabase) async throws {
        let state = try await store.users.stateDigest(id: userId, on: sql)
        try await AuditLog.append([AuditLog.Change(userId: actor?.id, actor: actor?.username ?? "system", action: action, entity: "user",
                                                   entityId: String(userId), beforeDigest: nil, afterDigest: state, detail: detail)],
                                  on: sql, db: db)
    }
}
