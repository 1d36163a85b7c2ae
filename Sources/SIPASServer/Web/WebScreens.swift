import Foundation
import Hummingbird
import SIPASApp
import SIPASCore
import SIPASFormats

/// The web's routes: each handler parses the request, calls the same use case as the API and
/// renders a page; the application's error becomes an error page (or the form again, where the
/// screen has one). Pages need a signed-in browser session, except sign-in itself.
struct WebScreens: Sendable {
    /// Used only while the routes are registered, before the server starts: never from a handler.
    nonisolated(unsafe) let router: Router<AppRequestContext>
    let platform: Platform
    let templates: WebTemplates
    let trustProxy: Bool
    let publicPages = PublicPageCache()

    func registerAll() {
        registerStaticFiles()
        registerAccountScreens()
        registerCampaignPlanScreens()
        registerCampaignScreens()
        registerDashboardScreens()
        registerQuestionnaireScreens()
        registerWishesScreen()
        registerMapScreen()
        registerReportScreens()
        registerPublicationScreens()
        registerPublicScreens()
        registerUploadScreens()
        registerUnitScreens()
        registerAdministrationScreens()
        registerFocalPointScreens()
        registerSamplingScreens()
        registerFieldworkScreens()
        registerEntryScreens()
    }

    typealias Handler = @Sendable (Request, AppRequestContext, User) async throws -> Response
    typealias FormHandler = @Sendable (Request, AppRequestContext, User, WebForm) async throws -> Response

    /// A page for signed-in users; others are sent to sign in and brought back.
    func page(_ path: RouterPath, _ handler: @escaping Handler) {
        router.get(path) { request, context in
            guard let user = context.user, context.tokenKind == .session else { return Self.toSignIn(request) }
            return try await rendering(request, context) { try await handler(request, context, user) }
        }
    }

    /// A form post: the form is read, and its anti-forgery token checked, before the handler runs.
    func form(_ path: RouterPath, _ handler: @escaping FormHandler) {
        router.post(path) { request, context in
            guard let user = context.user, context.tokenKind == .session else { return Self.toSignIn(request) }
            return try await rendering(request, context) {
                let form = try await WebForm.read(request, context: context)
                return try await handler(request, context, user, form)
            }
        }
    }

    func rendering(_ request: Request, _ context: AppRequestContext, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as AppError {
            if error.kind == .unauthenticated { return Self.toSignIn(request) }
            return errorPage(error, context: context)
        }
    }

    func errorPage(_ error: AppError, context: AppRequestContext) -> Response {
        let chrome = Chrome(title: error.heading, user: context.user, csrf: context.csrfToken, section: nil)
        return templates.page("error", ErrorPage(chrome: chrome, heading: error.heading, message: WebMessage.vietnamese(error.message),
                                                 items: error.items.prefix(100).map(ErrorPage.Item.init), hasItems: !error.items.isEmpty),
                              status: error.status)
    }

    static func toSignIn(_ request: Request) -> Response {
        let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        let encoded = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
        return redirect("/sign-in?next=" + encoded)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// A query parameter as a browser's GET form sends it (`+` for a space, then percent-encoding).
    static func query(_ request: Request, _ name: String) -> String? {
        WebForm.parse(request.uri.query ?? "").first { $0.0 == name }.flatMap { $0.1.isEmpty ? nil : $0.1 }
    }

    static func intQuery(_ request: Request, _ name: String) throws -> Int? {
        guard let text = query(request, name) else { return nil }
        guard let value = Int(text), value > 0, value <= Int(Int32.max) else {
            throw AppError.malformed("tham số \(name) phải là số nguyên dương (\(name) must be a positive integer)", field: "?\(name)")
        }
        return value
    }

    static func id(_ context: AppRequestContext, _ name: String = "id") throws -> Int {
        guard let text = context.parameters.get(name), let value = Int(text), value > 0, value <= Int(Int32.max) else {
            throw AppError.notFound("trang")
        }
        return value
    }
}

extension AppError {
    var heading: String {
        switch kind {
        case .forbidden: return "Không có quyền truy cập"
        case .notFound: return "Không tìm thấy"
        case .unauthenticated: return "Cần đăng nhập"
        case .throttled: return "Thử lại sau ít phút"
        case .unavailable: return "Máy chủ đang bận"
        case .storageFull: return "Máy chủ hết dung lượng lưu trữ"
        case .tooLarge: return "Tệp quá lớn"
        case .conflict: return "Xung đột dữ liệu"
        case .malformed, .invalid, .invalidContent: return "Dữ liệu chưa hợp lệ"
        }
    }
}

/// What every page shows around its content: title, the signed-in account, navigation.
struct Chrome: Sendable {
    struct Link: Sendable {
        var href: String
        var label: String
        var current: Bool
    }

    var title: String
    var userName: String?
    var roleLabel: String?
    var csrf: String?
    var nav: [Link]

    init(title: String, user: User?, csrf: String?, section: String?) {
        self.title = title
        userName = user?.displayName
        roleLabel = user?.role.label
        self.csrf = csrf
        var links = [("/", "Trang chủ", "home"), ("/campaigns", "Kỳ đo lường", "campaigns"),
                     ("/questionnaires", "Bảng hỏi", "questionnaires"), ("/units", "Đơn vị hành chính", "units")]
        if let user, AccessPolicy.allows(user.role, .manageUsers) { links.append(("/users", "Tài khoản", "users")) }
        if let user, AccessPolicy.allows(user.role, .readAudit) { links.append(("/audit", "Nhật ký", "audit")) }
        if user == nil { links = [] }
        nav = links.map { Link(href: $0.0, label: $0.1, current: $0.2 == section) }
    }
}

struct ErrorPage: Sendable {
    struct Item: Sendable {
        var message: String
        var place: String?
        init(_ item: AppError.Item) {
            message = WebMessage.vietnamese(item.message)
            var parts: [String] = []
            if let line = item.line { parts.append("dòng \(line)") }
            if let column = item.column { parts.append("cột \(ExcelColumn.letters(column)) (\(column))") }
            if let field = item.field { parts.append(field) }
            place = parts.isEmpty ? nil : parts.joined(separator: ", ")
        }
    }

    var chrome: Chrome
    var heading: String
    var message: String
    var items: [Item]
    var hasItems: Bool
}
