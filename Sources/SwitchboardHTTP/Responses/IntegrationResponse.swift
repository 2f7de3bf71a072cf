import Foundation
import SwitchboardDomain
import SwitchboardStore

/// An integration as the API shows it: no credentials or secrets, only what a manager needs to judge its health.
struct IntegrationResponse: Encodable {
    let integration: Integration
    let counts: [DeliveryStatus: Int]
    /// The provider's catalogue category.
    let category: String
    /// Masked hints of the credential fields.
    var credentialHints: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case id, provider, category, label, settings, status, credentials, setup, counts
        case pauseReason = "pause_reason"
        case statusDetail = "status_detail"
        case lastSuccessAt = "last_success_at"
        case lastFailureAt = "last_failure_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(integration.id, forKey: .id)
        try container.encode(integration.provider, forKey: .provider)
        try container.encode(category, forKey: .category)
        try container.encode(integration.label, forKey: .label)
        let settings = (try? JSONValue(json: integration.settings.utf8)) ?? .object([:])
        try container.encode(settings, forKey: .settings)
        try container.encode(integration.status, forKey: .status)
        try container.encode(integration.pauseReason, forKey: .pauseReason)
        try container.encode(integration.statusDetail, forKey: .statusDetail)
        try container.encode(credentialHints, forKey: .credentials)
        if let setup = integration.setup, let progress = try? JSONValue(json: setup.utf8) {
            try container.encode(progress, forKey: .setup)
        } else {
            try container.encodeNil(forKey: .setup)
        }
        try container.encode(integration.lastSuccessAt.map(format), forKey: .lastSuccessAt)
        try container.encode(integration.lastFailureAt.map(format), forKey: .lastFailureAt)
        try container.encode(format(integration.createdAt), forKey: .createdAt)
        try container.encode(format(integration.updatedAt), forKey: .updatedAt)
        let allCounts = Dictionary(uniqueKeysWithValues: DeliveryStatus.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        try container.encode(allCounts, forKey: .counts)
    }
}

/// Milliseconds since 1970 as RFC 3339.
func format(_ milliseconds: Int64) -> String {
    Timestamp.format(Timestamp.date(milliseconds: milliseconds))
}
