import Hummingbird
import NIOCore
import SIPASApp
import SIPASCore

/// The request context: who is asking (set by the authentication middleware) and from where.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: User?
    var tokenKind: Accounts.TokenKind?
    var csrfToken: String?
    /// The peer's address (a proxy's `X-Forwarded-For` only when the server is told to trust it).
    var peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }
}
