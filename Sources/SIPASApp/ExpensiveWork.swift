import Dispatch
import Foundation
import SIPASStore

/// Work that reads every response of a campaign (groupings the in-memory index cannot answer,
/// exports, backups) runs one at a time on a thread of its own: two such requests can neither hold
/// every database connection nor every core, so sign-in, submissions and health checks go on.
final class ExpensiveWork: Sendable {
    private let slots = Slots()
    private let queue = DispatchQueue(label: "sipas.expensive-work", qos: .utility)
    /// How long a request waits for its turn before it is refused as busy.
    static let wait = Duration.seconds(15)

    /// Runs `body` once it is this request's turn; `AppError.unavailable` when the turn does not
    /// come in time.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard await slots.acquire(within: Self.wait) else { throw AppError.busy() }
        do {
            let result = try await body()
            await slots.release()
            return result
        } catch {
            await slots.release()
            throw error
        }
    }

    /// Synchronous CPU-bound work, off the cooperative threads that serve every other request.
    func compute<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private actor Slots {
        private var busy = false
        private var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        private var next = 0

        func acquire(within timeout: Duration) async -> Bool {
            if !busy { busy = true; return true }
            next += 1
            let id = next
            return await withCheckedContinuation { continuation in
                waiters.append((id, continuation))
                Task { try? await Task.sleep(for: timeout); self.expire(id) }
            }
        }

        func release() {
            if waiters.isEmpty { busy = false } else { waiters.removeFirst().continuation.resume(returning: true) }
        }

        private func expire(_ id: Int) {
            guard let i = waiters.firstIndex(where: { $0.id == id }) else { return }
            waiters.remove(at: i).continuation.resume(returning: false)
        }
    }
}

/// Synchronous CPU work (parsing a file, computing an index, rendering a large reply) runs on a
/// thread outside Swift's cooperative pool: that pool has one thread per core, and a request that
/// held one for a second would keep every other request — the health check too — waiting.
public enum Offload {
    private static let queue = DispatchQueue(label: "sipas.cpu-work", qos: .userInitiated, attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
