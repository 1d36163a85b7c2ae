import Foundation
import Hummingbird
import HTTPTypes
import Testing
@testable import SIPASApp
import SIPASCore
@testable import SIPASServer
import SIPASStore

/// Walks every documented route with every role (and with no account) and checks the answer
/// against the allowed/denied matrix of `AccessPolicy`: denied → 403, allowed → neither 401 nor
/// 403, anonymous → 401 on every protected route.
@Suite(.serialized) struct AuthorizationMatrixTests {
    @Test(arguments: TestEngine.available)
    func everyRouteWithEveryRole(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            var mismatches: [String] = []
            var checked = 0
            // Targets inside every scoped role's reach: the demo campaign and its district.
            let district = try await s.services.units.find(register: .legacy, level: .district, code: "184")!
            let diemHe = try await s.services.units.find(register: .legacy, level: .commune, code: "06280")!
            for route in s.routes.all {
                guard let action = route.action else { continue }
                let id = route.path.hasPrefix("/api/v1/users") ? "999999"
                    : route.path.hasPrefix("/api/v1/units") ? "\(action == .manageAgencies ? district.id : diemHe.id)" : "\(s.campaign.id)"
                let uri = route.path.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{code}", with: "sipas-2017")
                    .replacingOccurrences(of: "{version}", with: "9").replacingOccurrences(of: "{unit}", with: "1")
                    .replacingOccurrences(of: "{number}", with: "1")
                let body = route.body == "text/csv" ? "response_id\n" : (route.body == nil ? nil : "{}")
                let anonymous = try await s.call(route.method, uri, body: body, contentType: route.body ?? "application/json")
                if anonymous.status != 401 { mismatches.append("anonymous \(route.method) \(route.path): \(anonymous.status)") }
                for role in Role.allCases {
                    var token = s.tokens[role]!
                    if route.path.hasSuffix("/logout") {
                        // Signing out revokes the token: use one of its own.
                        let user = try await s.services.users.authenticate(username: DemoData.accounts.first { $0.role == role }!.username, password: DemoData.password)!
                        token = try await s.services.users.issueToken(for: user, kind: .api, lifetime: 60).token
                    }
                    let reply = try await s.call(route.method, uri, token: token, body: body, contentType: route.body ?? "application/json")
                    let allowed = AccessPolicy.allows(role, action)
                    checked += 1
                    if allowed && (reply.status == 401 || reply.status == 403) {
                        mismatches.append("\(role.rawValue) \(route.method) \(route.path): \(reply.status), expected allowed — \(reply.body.prefix(160))")
                    } else if !allowed && reply.status != 403 {
                        mismatches.append("\(role.rawValue) \(route.method) \(route.path): \(reply.status), expected 403")
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            #expect(checked >= 20 * Role.allCases.count)
        }
    }

    @Test func theMatrixKeepsIndividualResponsesFromUnitsAndAnalysts() {
        #expect(!AccessPolicy.allows(.unitViewer, .readResponses))
        #expect(!AccessPolicy.allows(.ministryAnalyst, .readResponses))
        #expect(!AccessPolicy.allows(.enumerator, .readResponses))
        #expect(AccessPolicy.allows(.provinceAdmin, .readResponses))
        #expect(AccessPolicy.suppressesLowN(.unitViewer))
    }

    @Test(arguments: TestEngine.available)
    func browserSessionsNeedTheCSRFTokenToWrite(engine: TestEngine) async throws {
        try await withServer(engine) { s in
            let login = try await s.call(.post, "/api/v1/auth/login", json: "{\"username\": \"snv.langson\", \"password\": \"\(DemoData.password)\", \"kind\": \"session\"}")
            #expect(login.status == 200)
            let cookie = login.headers[.setCookie] ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            // The session's secret is in the HttpOnly cookie only, never in the JSON a script can read.
            #expect(login.object["token"] == nil, "\(login.body)")
            let session = String(cookie.split(separator: ";")[0].dropFirst("sipas_session=".count))
            let csrf = login.object["csrf_token"] as! String
            let cookieHeader: HTTPFields = [.cookie: "sipas_session=\(session)"]
            let read = try await s.call(.get, "/api/v1/auth/me", headers: cookieHeader)
            #expect(read.status == 200)
            // A cookie's secret is no bearer token.
            #expect(try await s.call(.get, "/api/v1/auth/me", token: session).status == 401)
            let before = try await s.state()
            let forged = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}", headers: cookieHeader)
            #expect(forged.status == 403 && forged.body.contains("CSRF"))
            #expect(try await s.state() == before)
            var withToken = cookieHeader
            withToken[HTTPField.Name("X-CSRF-Token")!] = csrf
            let real = try await s.call(.post, "/api/v1/campaigns/\(s.campaign.id)/status", json: "{\"status\": \"entry\", \"reason\": \"kiểm thử\"}", headers: withToken)
            #expect(real.status == 200)
            let wrongPassword = try await s.call(.post, "/api/v1/auth/login", json: "{\"username\": \"admin\", \"password\": \"nope-nope-nope\"}")
            #expect(wrongPassword.status == 401)
        }
    }
}
