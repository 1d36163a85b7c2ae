import Foundation

/// Failed sign-ins per account and per client address: after a few, each further attempt waits
/// longer (backoff); after more, the key is locked for a while. Guessing a password becomes
/// slower than it is worth, and a person who mistypes a few times is barely slowed.
actor SignInThrottle {
    struct Rule {
        let backoffAfter: Int
        let lockAfter: Int
    }

    static let account = Rule(backoffAfter: 5, lockAfter: 10)
    /// Offices share an address behind one router: the address allows more.
    static let address = Rule(backoffAfter: 20, lockAfter: 50)
    static let window: TimeInterval = 15 * 60
    static let lockTime: TimeInterval = 15 * 60

    private struct State {
        var failures: [Date] = []
        var lockedUntil: Date?
    }

    private var states: [String: State] = [:]

    /// Seconds to wait before `key` may try again, or nil when it may try now.
    func wait(_ key: String, _ rule: Rule, now: Date = Date()) -> Int? {
        guard var state = states[key] else { return nil }
        state.failures.removeAll { now.timeIntervalSince($0) > Self.window }
        states[key] = state
        if let until = state.lockedUntil, until > now { return Int(until.timeIntervalSince(now).rounded(.up)) }
        guard state.failures.count >= rule.backoffAfter, let last = state.failures.last else { return nil }
        let delay = min(60.0, 5 * pow(2, Double(state.failures.count - rule.backoffAfter)))
        let ready = last.addingTimeInterval(delay)
        return ready > now ? Int(ready.timeIntervalSince(now).rounded(.up)) : nil
    }

    /// Counts a failure; true when it locked the key.
    func fail(_ key: String, _ rule: Rule, now: Date = Date()) -> Bool {
        var state = states[key] ?? State()
        state.failures.removeAll { now.timeIntervalSince($0) > Self.window }
        state.failures.append(now)
        var locked = false
        if state.failures.count >= rule.lockAfter {
            state.lockedUntil = now.addingTimeInterval(Self.lockTime)
            state.failures.removeAll()
            locked = true
        }
        states[key] = state
        if states.count > 100_000 { states = states.filter { !$0.value.failures.isEmpty || $0.value.lockedUntil ?? .distantPast > now } }
        return locked
    }

    func succeed(_ key: String) { states[key] = nil }
}
