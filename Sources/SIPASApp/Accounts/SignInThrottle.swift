import Foundation

/// Failed sign-ins slow the next attempt down, never lock anyone out: a wrong guess from one
/// place must not keep an account's owner, signing in from another, out of it for long.
///
/// - per account and client address: after 5 failures, each further attempt waits 5 s, then
///   10, 20… at most 60 s — a guesser at one address gets a handful of tries a minute;
/// - per account, from every address together: after 20 failures at most 30 s, for addresses
///   that have failed on that account themselves — guessing from many addresses is slowed, and
///   the owner, signing in from an address of their own, is not;
/// - per address, over every account: after 20 failures at most 60 s (offices share an address
///   behind one router, so it allows more than one account does).
/// Failures older than 15 minutes are forgotten; a success clears its account's counts.
actor SignInThrottle {
    struct Rule {
        let backoffAfter: Int
        let longestWait: Double
    }

    static let accountAndAddress = Rule(backoffAfter: 5, longestWait: 60)
    static let account = Rule(backoffAfter: 20, longestWait: 30)
    static let address = Rule(backoffAfter: 20, longestWait: 60)
    static let window: TimeInterval = 15 * 60

    private var failures: [String: [Date]] = [:]

    /// Seconds to wait before `key` may try again, or nil when it may try now.
    func wait(_ key: String, _ rule: Rule, now: Date = Date()) -> Int? {
        guard var recent = failures[key] else { return nil }
        recent.removeAll { now.timeIntervalSince($0) > Self.window }
        failures[key] = recent.isEmpty ? nil : recent
        guard recent.count >= rule.backoffAfter, let last = recent.last else { return nil }
        let delay = min(rule.longestWait, 5 * pow(2, Double(recent.count - rule.backoffAfter)))
        let ready = last.addingTimeInterval(delay)
        return ready > now ? Int(ready.timeIntervalSince(now).rounded(.up)) : nil
    }

    func fail(_ key: String, now: Date = Date()) {
        var recent = failures[key] ?? []
        recent.removeAll { now.timeIntervalSince($0) > Self.window }
        recent.append(now)
        // Bounded: a flood of invented names cannot grow it without end.
        failures[key] = Array(recent.suffix(64))
        if failures.count > 100_000 {
            failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) <= Self.window } }
        }
    }

    func succeed(_ key: String) { failures[key] = nil }

    func hasFailed(_ key: String, now: Date = Date()) -> Bool {
        failures[key]?.contains { now.timeIntervalSince($0) <= Self.window } ?? false
    }
}
