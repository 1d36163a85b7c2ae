import SIPASApp
import SIPASCore
import SIPASStore

/// The API's data shapes: request bodies (read by them) and responses (checked against them by
/// the tests), named as in the OpenAPI document's components.
enum APISchemas {
    typealias S = APISchema
    static let id = APISchema.id
    /// Questionnaire ids, as the interchange format defines them.
    static let questionnaireCodePattern = "^[a-z0-9-]+$"
    static let date = S.string(format: "date")
    static let timestamp = S.string(format: "date-time")

    // MARK: Responses

    static let components: [String: APISchema] = [
        "Problem": .object([
            .property("type", .string, "about:blank"), .property("title", .string), .property("status", .integer),
            .property("detail", .string), .property("code", .string, "the kind of problem: invalid, forbidden, conflict, …"),
            .property("field", .string, "JSON pointer of the offending field, or ?parameter"),
            .property("errors", .array(.object([.property("line", .integer), .property("column", .integer),
                                                 .property("field", .string), .property("message", .string)], required: ["message"])),
                      "the first 100 problems"),
            .property("total", .integer, "how many problems there were in all"),
        ], required: ["type", "title", "status", "detail", "code"]),
        "Unit": .object([
            .property("id", .integer), .property("code", .string), .property("name", .string),
            .property("kind", .string, "tinh, thanh-pho, huyen, xa, phuong, agency, …"),
            .property("level", .string(enumeration: UnitLevel.allCases.map(\.rawValue))),
            .property("parent_id", .integer), .property("path", .string, "ids from the root: /province/district/commune/"),
            .property("register", .string(enumeration: Register.allCases.map(\.rawValue))),
            .property("valid_from", date), .property("valid_to", date),
        ], required: ["id", "code", "name", "kind", "level", "path", "register"]),
        "UnitDetail": .object([
            .property("unit", .ref("Unit")), .property("children", .integer), .property("parent", .nullable(.ref("Unit"))),
            .property("successors", .array(.object([.property("unit", .ref("Unit")), .property("is_default", .boolean)],
                                                    required: ["unit", "is_default"])), "the 2025 units a legacy unit became"),
            .property("predecessors", .array(.ref("Unit")), "the legacy units a 2025 unit was made of"),
        ], required: ["unit", "children", "parent", "successors", "predecessors"]),
        "User": .object([
            .property("id", .integer), .property("username", .string), .property("display_name", .string),
            .property("role", .string(enumeration: Role.allCases.map(\.rawValue))), .property("scope_unit_id", .integer),
            .property("post_office_id", .integer, "enumerators and field supervisors: the post office they work for"),
            .property("disabled", .boolean), .property("created_at", timestamp),
        ], required: ["id", "username", "display_name", "role", "disabled", "created_at"]),
        "Session": .object([
            .property("token", .string, "API tokens only, shown once; send as Authorization: Bearer. A browser session's secret is the cookie alone"),
            .property("csrf_token", .string, "sessions: send as X-CSRF-Token on every write"),
            .property("kind", .string(enumeration: ["api", "session"])), .property("user", .ref("User")),
        ], required: ["kind", "user"]),
        "QuestionnaireVersion": .object([
            .property("id", .integer), .property("code", .string), .property("version", .integer), .property("title", .string),
            .property("used", .boolean, "used by a campaign: immutable"), .property("builtin", .boolean, "shipped national questionnaire: read-only"),
            .property("owner_unit_id", .integer, "the unit whose administrators version it; absent for national ones"),
        ], required: ["id", "code", "version", "title", "used", "builtin"]),
        "Campaign": .object([
            .property("id", .integer), .property("code", .string), .property("year", .integer), .property("title", .string),
            .property("legal_basis", .string), .property("questionnaire_id", .integer), .property("owner_unit_id", .integer),
            .property("status", .string(enumeration: CampaignStatus.allCases.map(\.rawValue))), .property("created_at", timestamp),
            .property("disclosure_min_n", .integer, "the smallest group shown to accounts without access to individual responses"),
            .property("signature", .object([.property("issuer", .string), .property("capacity", .string(enumeration: ReportSignature.Capacity.allCases.map(\.rawValue))),
                                            .property("title", .string), .property("name", .string)], required: ["capacity"]),
                      "who issues and signs the report; TM. on behalf, KT. as deputy, empty: in own name"),
        ], required: ["id", "code", "year", "title", "legal_basis", "questionnaire_id", "status", "created_at", "disclosure_min_n", "signature"]),
        "CampaignDetail": .object([
            .property("campaign", .ref("Campaign")), .property("status_label", .string), .property("questionnaire", .string),
            .property("units", .array(.object([.property("unit", .ref("Unit")), .property("target_percent", .number),
                                               .property("target_comparator", .string(enumeration: [">", ">="]), "> trên (above), >= đạt (at least)"),
                                               .property("target_text", .string)], required: ["unit"]))),
            .property("phases", .array(phase)),
            .property("history", .array(.object([.property("from", .string), .property("to", .string), .property("user_id", .integer),
                                                 .property("username", .string), .property("at", timestamp),
                                                 .property("reason", .string, "why a phase was stepped back")], required: ["to", "at"]))),
            .property("responses", .integer, "responses received; for accounts that read figures only, the count their release covers, absent while entry is open or where it is withheld"),
        ], required: ["campaign", "status_label", "questionnaire", "units", "phases", "history"]),
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
            .property("stratum", .string), .property("psu", .string), .property("weight", .number, "as stored: a sampled case's design weight"),
            .property("case_code", .string, "the sampled case it answers; its final weight is the design weight × n/m of its stratum (sampling-method §8)"),
            .property("answers", .map(.string)),
        ], required: ["response_id", "channel", "answers"]),
        "CampaignIndex": .object([
            .property("campaign", .integer), .property("by", .array(.string)), .property("rollup", .nullable(.string)),
            .property("min_n", .integer), .property("responses", .integer),
            .property("low_n_suppressed", .boolean, "disclosure control applied: groups and figures below min_n are withheld for this account"),
            .property("withheld_groups", .integer, "groups withheld whole under disclosure control"),
            .property("rows", .array(.object([
                .property("index", .string), .property("node", .string), .property("n", .integer),
                .property("estimate", .nullable(.number)), .property("se", .nullable(.number)),
                .property("ci_low", .nullable(.number)), .property("ci_high", .nullable(.number)), .property("low_n", .boolean),
            ], required: ["index", "node", "n", "estimate", "se", "ci_low", "ci_high", "low_n"], additional: .string))),
        ], required: ["campaign", "by", "rollup", "min_n", "responses", "low_n_suppressed", "withheld_groups", "rows"]),
        "DashboardPriorities": .object([
            .property("campaign", .integer), .property("unit", .nullable(.string), "the unit's code; null for the whole campaign"),
            .property("rows", .array(.object([
                .property("index", .string), .property("item", .string), .property("weight", .number, "the leaf's weight in its tree"),
                .property("estimate", .nullable(.number)), .property("se", .nullable(.number)), .property("n", .integer),
                .property("low_n", .boolean), .property("gain", .nullable(.number), "index points gained if the criterion reached 100%; null where the criterion has no estimate"),
                .property("gain_se", .nullable(.number)),
            ], required: ["index", "item", "weight", "estimate", "se", "n", "low_n", "gain", "gain_se"]))),
        ], required: ["campaign", "unit", "rows"]),
        "DashboardWishes": .object([
            .property("campaign", .integer), .property("unit", .nullable(.string), "the unit's code; null for the whole campaign"),
            .property("rows", .array(.object([
                .property("item", .string), .property("option", .nullable(.integer), "the option of a multiple-choice item; null for a likert item"),
                .property("n", .nullable(.integer), "respondents who answered the item; null when withheld"),
                .property("share", .nullable(.number), "percent choosing the option (or satisfied, for a likert item)"),
                .property("se", .nullable(.number)), .property("ci_low", .nullable(.number)), .property("ci_high", .nullable(.number)),
                .property("low_n", .nullable(.boolean)),
            ], required: ["item", "option", "n", "share", "se", "ci_low", "ci_high", "low_n"]))),
        ], required: ["campaign", "unit", "rows"]),
        "DashboardRanking": .object([
            .property("campaign", .integer), .property("node", .string), .property("reference", .nullable(.number), "the campaign's pooled figure"),
            .property("withheld_units", .integer, "measured units without a figure for this account"),
            .property("rows", .array(.object([
                .property("unit", .string), .property("n", .integer), .property("estimate", .nullable(.number)),
                .property("ci_low", .nullable(.number)), .property("ci_high", .nullable(.number)), .property("low_n", .boolean),
                .property("rank", .nullable(.integer)), .property("best_rank", .nullable(.integer)), .property("worst_rank", .nullable(.integer)),
                .property("standing", .string(enumeration: Standing.allCases.map(\.rawValue))),
                .property("target_percent", .nullable(.number)), .property("target_comparator", .nullable(.string(enumeration: [">", ">="]))),
                .property("target_outcome", .nullable(.string(enumeration: TargetStanding.Outcome.allCases.map(\.rawValue)))),
                .property("target_distance", .nullable(.number)),
            ], required: ["unit", "n", "estimate", "ci_low", "ci_high", "low_n", "rank", "best_rank", "worst_rank", "standing",
                          "target_percent", "target_comparator", "target_outcome", "target_distance"]))),
        ], required: ["campaign", "node", "reference", "withheld_units", "rows"]),
        "DashboardChange": .object([
            .property("campaign", .integer), .property("since", .integer),
            .property("reestimated", .boolean, "the earlier campaign re-estimated on the 2025 successors of its units"),
            .property("left_out", .nullable(.integer), "earlier responses of units without a 2025 successor; null where the release withholds the count"),
            .property("same_questionnaire", .boolean),
            .property("rows", .array(.object([
                .property("unit", .string, "empty for the whole view"), .property("index", .string), .property("node", .string),
                .property("earlier", .nullable(.number)), .property("earlier_se", .nullable(.number)),
                .property("later", .nullable(.number)), .property("later_se", .nullable(.number)),
                .property("delta", .nullable(.number)), .property("se", .nullable(.number)),
                .property("ci_low", .nullable(.number)), .property("ci_high", .nullable(.number)),
                .property("direction", .nullable(.string(enumeration: Change.Direction.allCases.map(\.rawValue)))),
            ], required: ["unit", "index", "node", "earlier", "earlier_se", "later", "later_se", "delta", "se", "ci_low", "ci_high", "direction"]))),
        ], required: ["campaign", "since", "reestimated", "left_out", "same_questionnaire", "rows"]),
        "AuditEntry": .object([
            .property("id", .integer), .property("at", timestamp), .property("user_id", .integer), .property("actor", .string),
            .property("action", .string), .property("entity", .string), .property("entity_id", .string),
            .property("before_digest", .string), .property("after_digest", .string), .property("detail", .string),
            .property("previous_hash", .string), .property("hash", .string),
        ], required: ["id", "at", "actor", "action", "entity", "entity_id", "detail", "previous_hash", "hash"]),
        "AuditVerification": .object([
            .property("entries", .integer), .property("intact", .boolean), .property("first_broken", .nullable(.integer)),
            .property("reason", .nullable(.string)), .property("problems", .array(.string), "every finding: the chain, its head, responses, accounts"),
        ], required: ["entries", "intact", "first_broken", "reason", "problems"]),
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

    // MARK: Request bodies (the limits are the application's own, stated here so clients know them)

    static let login = S.object([
        .property("username", .limited(.string, .init(maxLength: 200))), .property("password", .limited(.string, .init(maxLength: 200))),
        .property("kind", .string(enumeration: ["api", "session"]), "api (bearer token, default) or session (cookie)"),
    ], required: ["username", "password"])

    static let newUser = S.object([
        .property("username", .string(maxLength: 64, minLength: 3, pattern: Accounts.usernamePattern)),
        .property("display_name", .string(maxLength: Accounts.displayNameLimit)),
        .property("password", .string(maxLength: 72, minLength: 10, pattern: TextRules.pattern(allowBlank: true)),
                  "10 characters to 72 bytes (a letter with a diacritic takes 2–3), no control characters"),
        .property("role", .string(enumeration: Role.allCases.map(\.rawValue))),
        .property("scope_unit_id", id, "required for unit-scoped roles"),
    ], required: ["username", "display_name", "password", "role"])

    static let newAgency = S.object([
        .property("code", .string(maxLength: UnitRegister.agencyCodeLimit, pattern: TextRules.codePattern)),
        .property("name", .string(maxLength: UnitRegister.agencyNameLimit)), .property("kind", .string(maxLength: UnitRegister.agencyKindLimit)),
    ], required: ["code", "name"])

    static let measuredUnit = S.object([
        .property("unit_id", id), .property("target_percent", .number(0...100), "e.g. 93 for \"trên 93%\""),
        .property("target_comparator", .string(enumeration: [">", ">="]), "> trên (above, the default), >= đạt (at least)"),
        .property("target_text", .string(maxLength: Campaigns.targetTextLimit, minLength: 0)),
    ], required: ["unit_id"])

    static let phaseInput = S.object([
        .property("phase", .string(enumeration: CampaignPhase.allCases.map(\.rawValue))),
        .property("starts_on", date), .property("ends_on", date),
    ], required: ["phase", "starts_on", "ends_on"])

    static let newCampaign = S.object([
        .property("code", .string(maxLength: Campaigns.codeLimit, pattern: TextRules.codePattern)),
        .property("year", .integer(Campaigns.years)), .property("title", .string(maxLength: Campaigns.titleLimit)),
        .property("legal_basis", .string(maxLength: Campaigns.legalBasisLimit, minLength: 0, multiline: true)),
        .property("questionnaire_code", .string(maxLength: 100, pattern: questionnaireCodePattern)), .property("questionnaire_version", .integer(1...Int(Int32.max))),
        .property("owner_unit_id", id), .property("disclosure_min_n", .integer(Campaigns.disclosureFloors), "default 30"),
        .property("units", .limited(.array(measuredUnit), .init(minItems: 1, maxItems: Campaigns.maxMeasuredUnits))),
        .property("phases", .limited(.array(phaseInput), .init(maxItems: CampaignPhase.allCases.count))),
    ] + signatureProperties, required: ["code", "year", "title", "questionnaire_code", "questionnaire_version", "units"])

    static let signatureProperties: [APISchema.Property] = [
        .property("issuer", .string(maxLength: Campaigns.signatureTextLimit, minLength: 0), "the issuing body; absent: the owner's people's committee"),
        .property("signer_capacity", .string(enumeration: ReportSignature.Capacity.allCases.map(\.rawValue)), "TM. (default), KT., or empty"),
        .property("signer_title", .string(maxLength: Campaigns.signatureTextLimit, minLength: 0)),
        .property("signer_name", .string(maxLength: Campaigns.signatureTextLimit, minLength: 0)),
    ]

    static let signature = S.object(signatureProperties, required: [])

    static let statusChange = S.object([.property("status", .string(enumeration: CampaignStatus.allCases.map(\.rawValue))),
                                        .property("reason", .string(maxLength: Campaigns.reasonLimit, minLength: 0), "required when moving back")],
                                       required: ["status"])

    static let focalPoint = S.object([
        .property("name", .string(maxLength: Campaigns.personTextLimit)), .property("position", .string(maxLength: Campaigns.personTextLimit)),
        .property("phone", .string(maxLength: Campaigns.phoneLimit, minLength: 8, pattern: "^[0-9 +.()-]+$")),
        .property("email", .string(maxLength: Campaigns.personTextLimit, minLength: 3, pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")),
    ], required: ["name", "position", "phone", "email"])

    static let submission = S.object([
        .property("response_id", .string(maxLength: Responses.responseIdLimit)), .property("unit_id", id),
        .property("channel", .string(enumeration: Channel.allCases.map(\.rawValue)), "how the questionnaire came back; default online"),
        .property("stratum", .string(maxLength: 200, minLength: 0)), .property("psu", .string(maxLength: 200, minLength: 0)),
        .property("weight", .limited(.number, .init(minimum: 0))),
        .property("answers", .map(.anyOf([.string, .number, .array(.integer(Int(Int32.min)...Int(Int32.max)))])), "item code → code, number, text, or a list of codes (multiple choice)"),
        .property("attributes", .map(.anyOf([.string, .number])), "other columns of the responses format (not unit, stratum, psu, weight, channel)"),
    ], required: ["response_id", "answers"])

    static let passwordChange = S.object([
        .property("current_password", .limited(.string, .init(maxLength: 200))),
        .property("new_password", .string(maxLength: 72, minLength: 10, pattern: TextRules.pattern(allowBlank: true))),
    ], required: ["current_password", "new_password"])

    static let passwordReset = S.object([.property("password", .string(maxLength: 72, minLength: 10, pattern: TextRules.pattern(allowBlank: true)))],
                                        required: ["password"])
}
