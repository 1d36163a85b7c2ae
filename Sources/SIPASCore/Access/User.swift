/// A person who signs in: a role, and for non-national roles the unit whose subtree bounds
/// everything they may see or do.
public struct User: Sendable, Codable, Equatable {
    public var id: Int
    public var username: String
    public var displayName: String
    public var role: Role
    public var scopeUnitId: Int?
    public var disabled: Bool
    public var createdAt: String
    /// The post office an enumerator or a field supervisor works for.
    public var postOfficeId: Int?

    public init(id: Int, username: String, displayName: String, role: Role, scopeUnitId: Int?, disabled: Bool, createdAt: String,
                postOfficeId: Int? = nil) {
        self.postOfficeId = postOfficeId
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.scopeUnitId = scopeUnitId
        self.disabled = disabled
        self.createdAt = createdAt
    }
}
