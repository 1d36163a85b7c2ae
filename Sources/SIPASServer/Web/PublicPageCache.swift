import Crypto
import Foundation
import Hummingbird
import Synchronization

/// Rendered public pages, the same for every visitor: kept until a campaign's status changes in
/// this process (publication or withdrawal bumps the platform's epoch, part of every key) and at
/// most `lifetime` — a withdrawal made by another process (`sipas` at the command line, another
/// server on the same database) shows within it. At most `capacity` pages, oldest out first.
/// Each carries an ETag so browsers and proxies revalidate for free.
final class PublicPageCache: Sendable {
    struct Page: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
        let frameable: Bool
        var stored = ContinuousClock.now
    }

    private let state = Mutex<(pages: [String: Page], order: [String])>(([:], []))
    let capacity: Int
    let lifetime: Duration
    init(capacity: Int = 4096, lifetime: Duration = .seconds(5)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    func get(_ key: String) -> Page? {
        state.withLock { s in
            guard let page = s.pages[key], ContinuousClock.now - page.stored < lifetime else { return nil }
            return page
        }
    }

    func set(_ key: String, _ page: Page) {
        var page = page
        page.stored = .now
        state.withLock { s in
            if s.pages.updateValue(page, forKey: key) == nil { s.order.append(key) }
            while s.order.count > capacity { s.pages[s.order.removeFirst()] = nil }
        }
    }

    static func page(_ text: String, contentType: String, frameable: Bool = false) -> Page {
        let digest = SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        return Page(body: ByteBuffer(string: text), contentType: contentType, etag: "\"\(digest)\"", frameable: frameable)
    }

    /// The reply for a request: 304 when the browser holds this version already.
    static func response(_ page: Page, to request: Request) -> Response {
        // Caches may keep a copy but must ask again each time (a 304 for the ETag costs nothing),
        // so a withdrawal reaches readers at once; pages print the site's address, hence Vary.
        var headers: HTTPFields = [.contentType: page.contentType, .eTag: page.etag, .cacheControl: "public, no-cache", .vary: "Host"]
        if page.frameable {
            // Only the widget may be framed, by any site: it is what a commune pastes into its portal.
            headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors *; base-uri 'none'"
        }
        if let sent = request.headers[.ifNoneMatch], sent.split(separator: ",").contains(where: { tag in
            let tag = tag.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == page.etag || tag == "W/" + page.etag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: page.body))
    }
}
