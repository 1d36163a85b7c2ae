import Hummingbird
import SIPASCore
import SIPASStore

/// The request context: who is asking (set by the authentication middleware).
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: User?
    var tokenKind: UserRepository.TokenKind?
    var csrfToken: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The signed-in user, allowed to take `action`; 401 or 403 otherwise.
    func require(_ action: Action) throws -> User {
        guard let user else { throw Problem.unauthorized() }
        guard AccessPolicy.allows(user.role, action) else { throw Problem.forbidden() }
        return user
    }
}
