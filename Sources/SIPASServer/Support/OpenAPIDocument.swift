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
                    var content: [String: Any] = route.fileType.map { [$0: ["schema": ["type": "string"]]] }
                        ?? ["application/json": ["schema": route.returns?.json ?? [:]]]
                    if route.query.contains(where: { $0.name == "format" }) { content["text/csv"] = ["schema": ["type": "string"]] }
                    response["content"] = content
                }
                responses[String(code)] = response
            }
            // Every problem an operation can answer with: protected ones 401/403, those with a body 413,
            // any of them 503 when the server is too busy to take it, writes 507 when storage is full.
            var problems = [400, 404, 409, 422, 503]
            if route.action != nil || route.publicOnceReleased { problems += [401, 403] }
            if route.body != nil { problems.append(413) }
            // Anything that writes can meet a full disk: refused, nothing changed.
            if route.method != .get { problems.append(507) }
            for code in problems where responses[String(code)] == nil {
                responses[String(code)] = ["description": description(code), "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
            }
            operation["responses"] = responses
            let parameters = route.pathParameters.map { name -> [String: Any] in
                let schema: [String: Any] = name == "code"
                    ? ["type": "string", "minLength": 1, "maxLength": 100, "pattern": APISchemas.questionnaireCodePattern]
                    : ["type": "integer", "minimum": 1, "maximum": Int(Int32.max)]
                return ["name": name, "in": "path", "required": true, "schema": schema]
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
        case 400: return "Not in the API's form (malformed JSON, a wrong type, an unknown field): the problem names the field"
        case 401: return "Not signed in"
        case 403: return "Not allowed for this role or scope"
        case 404: return "Not found"
        case 409: return "Conflict with the current state"
        case 413: return "The body is larger than the limit"
        case 422: return "Well formed, but refused by a rule of the application (the problem names the field, or lists every problem of a file)"
        case 429: return "Too many failed sign-ins: wait Retry-After seconds"
        case 503: return "Too busy to take the request now; nothing was changed: retry after Retry-After seconds"
        case 507: return "Storage is full: nothing was changed; retry once the operator has freed space"
        default: return "Response"
        }
    }
}
