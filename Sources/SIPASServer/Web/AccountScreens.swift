import Foundation
import Hummingbird
import SIPASApp
import SIPASCore

/// Sign-in, sign-out, the role-aware home page and changing one's own password.
extension WebScreens {
    func registerAccountScreens() {
        router.get("/sign-in") { request, context in
            if context.user != nil, context.tokenKind == .session { return Self.redirect("/") }
            return templates.page("sign-in", SignInPage(next: Self.localPath(Self.query(request, "next"))))
        }
        router.post("/sign-in") { request, context in
            // No session yet, so no anti-forgery token: the session cookie is SameSite=Strict.
            let form = try await WebForm.read(request, context: context, checkingCSRF: false)
            let next = Self.localPath(form["next"])
            do {
                let signedIn = try await platform.accounts.signIn(username: form["username"] ?? "", password: form["password"] ?? "",
                                                                  kind: .session, from: context.peerAddress)
                var response = Self.redirect(next)
                response.setCookie(.init(name: AuthMiddleware.cookieName, value: signedIn.token, maxAge: Int(signedIn.lifetime), path: "/",
                                         secure: isSecure(request, trustProxy: trustProxy), httpOnly: true, sameSite: .strict))
                return response
            } catch let error as AppError {
                var page = SignInPage(next: next)
                page.username = form["username"] ?? ""
                page.error = WebMessage.vietnamese(error.message)
                var response = templates.page("sign-in", page, status: error.status)
                if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
                return response
            }
        }
        form("/sign-out") { request, _, user, _ in
            try await platform.accounts.signOut(user, token: request.cookies[AuthMiddleware.cookieName]?.value ?? "")
            var response = Self.redirect("/sign-in")
            response.setCookie(.init(name: AuthMiddleware.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        page("/") { _, context, user in
            templates.page("home", try await HomePage.make(platform, user: user, csrf: context.csrfToken))
        }
        page("/account/password") { _, context, user in
            templates.page("password", PasswordPage(chrome: Chrome(title: "Đổi mật khẩu", user: user, csrf: context.csrfToken, section: nil)))
        }
        form("/account/password") { _, context, user, form in
            var page = PasswordPage(chrome: Chrome(title: "Đổi mật khẩu", user: user, csrf: context.csrfToken, section: nil))
            guard form["new_password"] == form["confirm_password"] else {
                page.newPasswordError = "Hai lần nhập mật khẩu mới không khớp nhau."
                return templates.page("password", page, status: .unprocessableContent)
            }
            do {
                try await platform.accounts.changeOwnPassword(user, current: form["current_password"] ?? "", new: form["new_password"] ?? "")
            } catch let error as AppError where error.field != nil {
                if error.field?.contains("current") == true {
                    page.currentPasswordError = WebMessage.vietnamese(error.message)
                } else {
                    page.newPasswordError = WebMessage.vietnamese(error.message)
                }
                return templates.page("password", page, status: error.status)
            }
            page.done = true
            return templates.page("password", page)
        }
    }

    /// A path on this site to return to after signing in; anything else goes home.
    static func localPath(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/" }
        return text
    }
}

struct SignInPage: Sendable {
    var chrome = Chrome(title: "Đăng nhập", user: nil, csrf: nil, section: nil)
    var next: String
    var username = ""
    var error: String?
}

struct PasswordPage: Sendable {
    var chrome: Chrome
    var currentPasswordError: String?
    var newPasswordError: String?
    var done = false
    var minimumLength = PasswordPolicy.minimumCharacters
}
