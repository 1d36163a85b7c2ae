import Foundation

/// Admits at most `capacity` holders at a time, waiters in order, each waiting at most its
/// timeout: a request that cannot get a connection in time is refused (503) instead of queueing
/// behind others without end.
actor AsyncLimiter {
    private let capacity: Int
    private var held = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextId: UInt64 = 0

    init(capacity: Int) { self.capacity = capacity }

    func acquire(timeout: Duration) async throws {
        if held < capacity && waiters.isEmpty {
            held += 1
            return
        }
        nextId += 1
        let id = nextId
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiters.append((id, continuation))
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expire(id)
            }
        }
    }

    /// Acquires unless the limiter is already full; true when it did.
    func tryAcquire() -> Bool {
        guard held < capacity && waiters.isEmpty else { return false }
        held += 1
        return true
    }

    func release() {
        if waiters.isEmpty {
            held -= 1
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    private func expire(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: DatabaseError.busy)
    }

    func run<T: Sendable>(timeout: Duration, _ body: () async throws -> T) async throws -> T {
        try await acquire(timeout: timeout)
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }
}
