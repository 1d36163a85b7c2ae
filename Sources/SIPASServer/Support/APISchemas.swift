import SIPASCore
import SIPASStore

/// The API's data shapes: request bodies (read by them) and responses (checked against them by
/// the tests), named as in the OpenAPI document's components.
enum APISchemas {
    typealias S = APISchema
    static let date = S.string(format: "date")
    static let timestamp = S.string(format: "date-time")

    // MARK: Responses

    static let components: [String: APISchema] = [
        "Problem": .object([
            .property("type", .string(format: "uri")), .property("title", .string), .property("status", .integer),
            .property("detail", .string), .property("field", .string, "JSON pointer of the offending field, or ?parameter"),
            .property("errors", .array(.object([.property("line", .integer), .property("column", .integer),
                                                 .property("field", .string), .property("message", .string)], required: ["message"]))),
        ], required: ["type", "title", "status", "detail"]),
        "Unit": .object([
            .property("id", .integer), .property("code", .string), .property("name", .string),
            .property("kind", .string, "tinh, thanh-pho, huyen, xa, phuong, agency, …"),
            .property("level", .string(enumeration: ["province", "district", "commune", "agency"])),
            .property("parent_id", .integer), .property("path", .string, "ids from the root: /province/district/commune/"),
            .property("register", .string(enumeration: ["legacy", "2025", "agency"])),
            .property("valid_from", date), .property("valid_to", date),
        ], required: ["id", "code", "name", "kind", "level", "path", "register"]),
        "UnitDetail": .object([
            .property("unit", .ref("Unit")), .property("children", .integer),
            .property("successors", .array(.object([.property("unit", .ref("Unit")), .property("is_default", .boolean)],
                                                    required: ["unit", "is_default"]))),
        ], required: ["unit", "children", "successors"]),
        "User": .object([
            .property("id", .integer), .property("username", .string), .property("display_name", .string),
            .property("role", .string(enumeration: Role.allCases.map(\.rawValue))), .property("scope_unit_id", .integer),
            .property("disabled", .boolean), .property("created_at", timestamp),
        ], required: ["id", "username", "display_name", "role", "disabled", "created_at"]),
        "Session": .object([
            .property("token", .string, "shown once; send as Authorization: Bearer"), .property("csrf_token", .string),
            .property("kind", .string(enumeration: ["api", "session"])), .property("user", .ref("User")),
        ], required: ["token", "kind", "user"]),
        "QuestionnaireVersion": .object([
            .property("id", .integer), .property("code", .string), .property("version", .integer), .property("title", .string),
            .property("used", .boolean, "used by a campaign: immutable"),
        ], required: ["id", "code", "version", "title", "used"]),
        "Campaign": .object([
            .property("id", .integer), .property("code", .string), .property("year", .integer), .property("title", .string),
            .property("legal_basis", .string), .property("questionnaire_id", .integer), .property("owner_unit_id", .integer),
            .property("status", .string(enumeration: CampaignStatus.allCases.map(\.rawValue))), .property("created_at", timestamp),
        ], required: ["id", "code", "year", "title", "legal_basis", "questionnaire_id", "status", "created_at"]),
        "CampaignDetail": .object([
            .property("campaign", .ref("Campaign")), .property("status_label", .string), .property("questionnaire", .string),
            .property("units", .array(.object([.property("unit", .ref("Unit")), .property("target_percent", .number),
                                               .property("target_text", .string)], required: ["unit"]))),
            .property("phases", .array(phase)),
            .property("history", .array(.object([.property("from", .string), .property("to", .string), .property("user_id", .integer),
                                                 .property("at", timestamp)], required: ["to", "at"]))),
            .property("responses", .integer),
        ], required: ["campaign", "status_label", "questionnaire", "units", "phases", "history", "responses"]),
        "FocalPoint": .object([
            .property("id", .integer), .property("unit_id", .integer), .property("name", .string), .property("position", .string),
            .property("phone", .string), .property("email", .string),
        ], required: ["id", "unit_id", "name", "position", "phone", "email"]),
        "ImportSummary": .object([
            .property("rows", .integer), .property("added", .integer), .property("unchanged", .integer, "already stored, identical"),
            .property("warnings", .map(.integer), "answers kept but outside their item's condition, per item"),
        ], required: ["rows", "added", "unchanged", "warnings"]),
        "StoredResponse": .object([
            .property("response_id", .string), .property("unit_id", .integer), .property("channel", .string),
            .property("stratum", .string), .property("psu", .string), .property("weight", .number),
            .property("answers", .map(.string)),
        ], required: ["response_id", "channel", "answers"]),
        "CampaignIndex": .object([
            .property("campaign", .integer), .property("by", .array(.string)), .property("rollup", .nullable(.string)),
            .property("min_n", .integer), .property("responses", .integer),
            .property("low_n_suppressed", .boolean, "figures of rows below min_n are withheld for this account"),
            .property("rows", .array(.object([
                .property("index", .string), .property("node", .string), .property("n", .integer),
                .property("estimate", .nullable(.number)), .property("se", .nullable(.number)),
                .property("ci_low", .nullable(.number)), .property("ci_high", .nullable(.number)), .property("low_n", .boolean),
            ], required: ["index", "node", "n", "estimate", "se", "ci_low", "ci_high", "low_n"], additional: .string))),
        ], required: ["campaign", "by", "rollup", "min_n", "responses", "low_n_suppressed", "rows"]),
        "AuditEntry": .object([
            .property("id", .integer), .property("at", timestamp), .property("user_id", .integer), .property("actor", .string),
            .property("action", .string), .property("entity", .string), .property("entity_id", .string),
            .property("before_digest", .string), .property("after_digest", .string), .property("detail", .string),
            .property("previous_hash", .string), .property("hash", .string),
        ], required: ["id", "at", "actor", "action", "entity", "entity_id", "detail", "previous_hash", "hash"]),
        "AuditVerification": .object([
            .property("entries", .integer), .property("intact", .boolean), .property("first_broken", .nullable(.integer)),
            .property("reason", .nullable(.string)),
        ], required: ["entries", "intact", "first_broken", "reason"]),
    ]

    static let phase = S.object([
        .property("phase", .string(enumeration: CampaignPhase.allCases.map(\.rawValue))), .property("starts_on", date),
        .property("ends_on", date),
    ], required: ["phase", "starts_on", "ends_on"])

    /// A page of a list.
    static func page(of item: String) -> APISchema {
        .object([.property("items", .array(.ref(item))), .property("limit", .integer), .property("offset", .integer)],
                required: ["items", "limit", "offset"])
    }

    // MARK: Request bodies

    static let login = S.object([
        .property("username", .string), .property("password", .string),
        .property("kind", .string(enumeration: ["api", "session"]), "api (bearer token, default) or session (cookie)"),
    ], required: ["username", "password"])

    static let newUser = S.object([
        .property("username", .string), .property("display_name", .string), .property("password", .string, "at least 10 characters"),
        .property("role", .string(enumeration: Role.allCases.map(\.rawValue))),
        .property("scope_unit_id", .integer, "required for unit-scoped roles"),
    ], required: ["username", "display_name", "password", "role"])

    static let newAgency = S.object([.property("code", .string), .property("name", .string), .property("kind", .string)],
                                    required: ["code", "name"])

    static let measuredUnit = S.object([
        .property("unit_id", .integer), .property("target_percent", .number, "e.g. 93 for \"trên 93%\""), .property("target_text", .string),
    ], required: ["unit_id"])

    static let newCampaign = S.object([
        .property("code", .string), .property("year", .integer), .property("title", .string), .property("legal_basis", .string),
        .property("questionnaire_code", .string), .property("questionnaire_version", .integer), .property("owner_unit_id", .integer),
        .property("units", .array(measuredUnit)), .property("phases", .array(phase)),
    ], required: ["code", "year", "title", "questionnaire_code", "questionnaire_version", "units"])

    static let statusChange = S.object([.property("status", .string(enumeration: CampaignStatus.allCases.map(\.rawValue)))],
                                       required: ["status"])

    static let focalPoint = S.object([
        .property("name", .string), .property("position", .string), .property("phone", .string), .property("email", .string),
    ], required: ["name"])

    static let submission = S.object([
        .property("response_id", .string), .property("unit_id", .integer), .property("channel", .string, "default online"),
        .property("stratum", .string), .property("psu", .string), .property("weight", .number),
        .property("answers", .map(.any), "item code → code, number, text, or a list of codes (multiple choice)"),
        .property("attributes", .map(.any), "other columns of the responses format"),
    ], required: ["response_id", "answers"])
}
