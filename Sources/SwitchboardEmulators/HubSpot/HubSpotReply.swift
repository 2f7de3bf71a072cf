import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwitchboardProviders

/// An emulator answer, with HubSpot's error bodies (`status`, `message`, `correlationId`, `category`).
enum HubSpotReply {
    case ok(Any)
    /// 207: a batch written in part, with `errors`.
    case multiStatus(Any)
    case error(status: Int, category: String, message: String, extra: [String: Any] = [:])

    static var unauthorized: HubSpotReply {
        .error(
            status: 401,
            category: "INVALID_AUTHENTICATION",
            message:
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
        )
    }

    static var rateLimited: HubSpotReply {
        .error(
            status: 429,
            category: "RATE_LIMIT",
            message: "You have reached your ten_secondly_rolling limit.",
            extra: ["errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"]
        )
    }

    /// The daily limit's 429 (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines).
    static var dailyLimit: HubSpotReply {
        .error(
            status: 429,
            category: "RATE_LIMIT",
            message: "You have reached your daily limit.",
            extra: ["errorType": "RATE_LIMIT", "policyName": "DAILY"]
        )
    }

    static func missingScopes(_ scopes: [String]) -> HubSpotReply {
        .error(
            status: 403,
            category: "MISSING_SCOPES",
            message:
                "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
            extra: [
                "errors": [["message": "One or more of the following scopes are required.", "context": ["requiredGranularScopes": scopes]]],
                "links": ["scopes": "https://developers.hubspot.com/scopes"],
            ]
        )
    }

    static func notFound(_ message: String) -> HubSpotReply {
        .error(status: 404, category: "OBJECT_NOT_FOUND", message: message)
    }

    static func invalid(_ message: String) -> HubSpotReply {
        .error(status: 400, category: "VALIDATION_ERROR", message: message)
    }

    /// HubSpot's 400 for invalid property values: the validation results as JSON in the message, and one
    /// `errors` entry per result (https://developers.hubspot.com/docs/api-reference/latest/crm/using-object-apis).
    static func invalidProperties(_ problems: [[String: Any]]) -> HubSpotReply {
        let error = propertyError(problems, context: [:])
        return .error(status: 400, category: "VALIDATION_ERROR", message: error["message"] as? String ?? "", extra: ["errors": error["errors"] ?? []])
    }

    /// One error entry of invalid property values, as in a 400 body or a 207's `errors`.
    static func propertyError(_ problems: [[String: Any]], context: [String: [String]]) -> [String: Any] {
        let results =
            (try? JSONSerialization.data(withJSONObject: problems, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return [
            "status": "error", "category": "VALIDATION_ERROR", "message": "Property values were not valid: \(results)", "context": context,
            "errors": problems.map { ["message": $0["message"] ?? "", "code": $0["error"] ?? ""] },
        ]
    }

    static func serverError(_ status: Int) -> HubSpotReply {
        .error(status: status, category: "INTERNAL_ERROR", message: "internal error")
    }

    func response(headers: [String: String] = [:]) -> Response {
        let (status, object): (Int, Any) =
            switch self {
            case .ok(let body): (200, body)
            case .multiStatus(let body): (207, body)
            case .error(let status, let category, let message, let extra):
                (
                    status,
                    extra.merging(
                        ["status": "error", "message": message, "correlationId": UUID().uuidString.lowercased(), "category": category]
                    ) { kept, _ in kept }
                )
            }
        var fields = HTTPFields()
        fields[.contentType] = "application/json;charset=utf-8"
        for (name, value) in headers { if let name = HTTPField.Name(name) { fields[name] = value } }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
