import Foundation
import SwitchboardStore

/// A job with its progress.
struct JobResponse: Encodable {
    let job: Job

    enum CodingKeys: String, CodingKey {
        case id, kind, status, progress, errors
        case integrationId = "integration_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    struct Progress: Encodable {
        let done, total, failed: Int
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(job.id, forKey: .id)
        try container.encode(job.kind, forKey: .kind)
        try container.encode(job.status, forKey: .status)
        try container.encode(job.integrationId, forKey: .integrationId)
        try container.encode(Progress(done: job.done, total: job.total, failed: job.failed), forKey: .progress)
        try container.encode((try? JSONDecoder().decode([String].self, from: Data(job.errors.utf8))) ?? [], forKey: .errors)
        try container.encode(format(job.createdAt), forKey: .createdAt)
        try container.encode(format(job.updatedAt), forKey: .updatedAt)
    }
}

/// An in-app notification.
struct NotificationResponse: Encodable {
    let notification: SwitchboardStore.Notification

    enum CodingKeys: String, CodingKey {
        case id, kind, title, body, read
        case integrationId = "integration_id"
        case createdAt = "created_at"
        case readAt = "read_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(notification.id, forKey: .id)
        try container.encode(notification.kind, forKey: .kind)
        try container.encode(notification.title, forKey: .title)
        try container.encode(notification.body, forKey: .body)
        try container.encode(notification.integrationId, forKey: .integrationId)
        try container.encode(notification.readAt != nil, forKey: .read)
        try container.encode(format(notification.createdAt), forKey: .createdAt)
        try container.encode(notification.readAt.map(format), forKey: .readAt)
    }
}

/// An API key as listed: its hint, never the key or its hash.
struct APIKeyResponse: Encodable {
    let key: APIKey
    /// The plaintext, only in the answer to its creation.
    let plaintext: String?

    enum CodingKeys: String, CodingKey {
        case id, role, hint, label, key, email
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key.id, forKey: .id)
        try container.encode(key.role, forKey: .role)
        try container.encode(key.hint, forKey: .hint)
        try container.encode(key.label, forKey: .label)
        try container.encode(key.email, forKey: .email)
        try container.encode(format(key.createdAt), forKey: .createdAt)
        try container.encode(key.revokedAt.map(format), forKey: .revokedAt)
        if let plaintext { try container.encode(plaintext, forKey: .key) }
    }
}
