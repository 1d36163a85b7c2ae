import Foundation
import SIPASCore

/// The OpenAPI 3.1 document of the API, built from the route table.
enum OpenAPIDocument {
    static func make(_ routes: [APIRoute]) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in routes {
            var operation: [String: Any] = [
                "summary": route.summary, "tags": [route.tag],
                "operationId": route.method.rawValue.lowercased() + route.path.replacingOccurrences(of: "/api/v1", with: "")
                    .split(separator: "/").map { $0.replacingOccurrences(of: "{", with: "by-").replacingOccurrences(of: "}", with: "") }
                    .joined(separator: "-"),
            ]
            var responses: [String: Any] = [:]
            for code in route.responses where code >= 400 {
                responses[String(code)] = ["description": description(code), "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
            }
            for code in route.responses where code < 400 {
                var response: [String: Any] = ["description": description(code)]
                if code != 204 {
                    var content: [String: Any] = ["application/json": ["schema": route.returns?.json ?? [:]]]
                    if route.query.contains(where: { $0.name == "format" }) { content["text/csv"] = ["schema": ["type": "string"]] }
                    response["content"] = content
                }
                responses[String(code)] = response
            }
            for code in [400, 401, 403, 404, 409, 422] where code != 401 || route.action != nil {
                if responses[String(code)] == nil && (code != 401 && code != 403 || route.action != nil) {
                    responses[String(code)] = ["description": description(code), "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
                }
            }
            operation["responses"] = responses
            let parameters = route.pathParameters.map { name -> [String: Any] in
                ["name": name, "in": "path", "required": true, "schema": ["type": name == "code" ? "string" : "integer"]]
            } + route.query.map { q -> [String: Any] in
                ["name": q.name, "in": "query", "required": false, "schema": q.schema.json, "description": q.description]
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = route.body {
                operation["requestBody"] = ["required": true, "content": [body: ["schema": body == "text/csv" ? ["type": "string"] : (route.request?.json ?? [:])]]]
            }
            if let action = route.action {
                operation["security"] = [["bearer": []], ["session": []]]
                operation["x-sipas-action"] = action.rawValue
                operation["x-sipas-roles"] = Role.allCases.filter { AccessPolicy.allows($0, action) }.map(\.rawValue)
            } else {
                operation["security"] = []
            }
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "SIPAS API",
                "version": "1",
                "description": "Đo lường Chỉ số hài lòng về sự phục vụ hành chính — đơn vị, kỳ đo lường, phiếu trả lời, chỉ số. Errors are RFC 9457 problem documents.",
            ],
            "paths": paths,
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer"],
                    "session": ["type": "apiKey", "in": "cookie", "name": AuthMiddleware.cookieName],
                ],
                "schemas": APISchemas.components.mapValues(\.json),
            ],
        ]
    }

    static func description(_ code: Int) -> String {
        switch code {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 400: return "Bad request: the problem names the field"
        case 401: return "Not signed in"
        case 403: return "Not allowed for this role or scope"
        case 404: return "Not found"
        case 409: return "Conflict with the current state"
        case 422: return "The content was refused: every problem is listed"
        default: return "Response"
        }
    }
}
