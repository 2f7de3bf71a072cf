import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEngine

/// Mailchimp as a contact-sync provider: registrants become members of the chosen audience (upsert by
/// subscriber hash) with mapped merge fields and tags; registration and attendance are member events.
public struct MailchimpProvider: ContactSyncProvider {
    let http: HTTPClient
    /// Overrides the data-centre URL derived from the key (`SWITCHBOARD_MAILCHIMP_URL`, e.g. the emulator).
    let baseURL: String?
    /// The operator's Mailchimp app, when managers may connect with OAuth.
    let oauth: OAuthApp?
    /// Mailchimp's limit of 10 simultaneous connections per API key (or token), counted over every call this
    /// process makes with the key: live sync and resync of every integration holding it, validation, options
    /// (https://mailchimp.com/developer/marketing/docs/fundamentals/#api-limits). Two are kept in hand: Mailchimp may
    /// still count a connection for a moment after its answer has arrived.
    let connections = ConnectionGate(limit: 8)
    /// The merge field types of the audiences written to, so that values go in the type Mailchimp takes.
    let mergeFieldTypes = MailchimpMergeFieldTypes()

    public init(http: HTTPClient, baseURL: String? = nil, oauth: OAuthApp? = nil) {
        self.http = http
        self.baseURL = baseURL
        self.oauth = oauth
    }

    public var description: ProviderDescription {
        ProviderDescription(
            provider: "mailchimp",
            category: "CRM & Email Providers",
            displayName: "Mailchimp",
            credentials: ["api_key"],
            settings: ["audience_id", "audience_name", "merge_fields", "tags", "status_if_new"],
            events: [OutboundEventType.registrationCreated.rawValue, OutboundEventType.attendanceRecorded.rawValue]
        )
    }

    public var settingsSchema: JSONValue {
        ProviderSchemas.object([
            "audience_id": ProviderSchemas.setting, "audience_name": ProviderSchemas.setting,
            "tags": ["type": "array", "items": ProviderSchemas.label],
            "status_if_new": ProviderSchemas.enumeration(["subscribed", "pending", "unsubscribed", "transactional"]),
            "merge_fields": ProviderSchemas.fieldMapping("merge tag → registrant field"),
        ])
    }

    /// An API key (`…-us6`); none when the manager connects with OAuth (operator's app configured).
    public var credentialsSchema: JSONValue? {
        ProviderSchemas.object(["api_key": ["type": "string", "pattern": "^[0-9a-zA-Z]{16,64}-[a-z]+[0-9]+$"]], required: ["api_key"])
    }

    /// Members are written one by one, as many at once as the key's connections allow (`connections` holds
    /// live sync and resync together to 8 of Mailchimp's 10).
    public var batchSize: Int { 1 }
    public var concurrentCalls: Int { 8 }
    public var resyncPageSize: Int { 500 }

    /// Mailchimp limits connections, not a request rate: the budget only carries its back-off after a 429.
    public func makeBudget() -> RequestBudget { .unlimited() }

    public func credentials(from fields: [String: JSONValue]) -> Result<[String: String], FieldErrors> {
        var reader = SettingsReader(fields, prefix: "credentials/", allowed: ["api_key"])
        let key = reader.string("api_key", required: true)
        if let key, key.wholeMatch(of: /[0-9a-zA-Z]{16,64}-[a-z]+[0-9]+/) == nil {
            reader.fail("api_key", "must be a Mailchimp API key: its characters, a dash and the data centre (…-us6)")
        }
        return reader.result(key.map { ["api_key": $0] } ?? [:])
    }

    public func settings(from fields: [String: JSONValue]) -> Result<JSONValue, FieldErrors> {
        read(fields).map(\.json)
    }

    public func missingSettings(_ settings: JSONValue) -> [String] {
        decode(settings).audienceID == nil ? ["an audience"] : []
    }

    public func validate(_ connection: ProviderConnection) async throws(ProviderFailure) -> ValidationFailure? {
        let client = client(connection)
        let settings = decode(connection.settings)
        do {
            try await client.ping()
            if let audience = settings.audienceID {
                let found: ProviderResource
                do {
                    found = try await client.audience(audience)
                } catch .refused(.listNotFound) {
                    return .listNotFound(name: settings.audienceName.map { "“\($0)”" } ?? audience)
                }
                // The mapping must fill every required merge field, with fields that exist and can take a registrant's value.
                let fields = try await client.mergeFields(audience: audience)
                mergeFieldTypes.remember(fields, audience: audience, client: client)
                if let problem = MailchimpMergeMapping.problem(settings.mergeFields, fields: fields, audience: "“\(found.name)”") {
                    return .unusableSetting(field: "merge_fields", problem: problem)
                }
            }
            return nil
        } catch .refused(let failure) {
            return failure
        }
    }

    public func options(_ connection: ProviderConnection) async throws(ProviderFailure) -> [String: [ProviderResource]] {
        let client = client(connection)
        var options = ["audiences": try await client.audiences()]
        if let audience = decode(connection.settings).audienceID {
            options["merge_fields"] = try await client.mergeFields(audience: audience)
                .filter { !MailchimpMergeMapping.unsupportedTypes.contains($0.type) }
                .map { ProviderResource(id: $0.tag, name: $0.name) }
            options["tags"] = try await client.tags(audience: audience).keys.sorted().map { ProviderResource(id: $0, name: $0) }
        }
        return options
    }

    public var optionsBySetting: [String: String] { ["audience_id": "audiences"] }

    public func sync(_ activities: [ContactActivity], over connection: ProviderConnection) async -> [ProviderFailure?] {
        let client = client(connection)
        let settings = decode(connection.settings)
        return await each(activities, settings: settings) { activity throws(ProviderFailure) in
            let contact = activity.kind == .registered ? activity.contact : Contact(email: activity.contact.email)
            let types = try await mergeFieldTypes.types(audience: try audience(settings), client: client)
            try await write(contact, settings: settings, types: types, client: client)
            let (name, properties) = Self.event(activity)
            try await client.recordEvent(
                audience: try audience(settings),
                email: contact.email,
                name: name,
                occurredAt: activity.occurredAt,
                properties: properties
            )
        }
    }

    /// A page through Mailchimp's batch endpoints: one batch subscribe creates the new members with their merge
    /// fields; members that already exist are updated one by one with `status_if_new`, because a batch update would
    /// overwrite their subscription status (someone who unsubscribed stays unsubscribed); then one call per tag
    /// tags the page. Pages hold 500 contacts, Mailchimp's batch limit.
    public func resync(_ contacts: [Contact], over connection: ProviderConnection) async -> [ProviderFailure?] {
        let client = client(connection)
        let settings = decode(connection.settings)
        var latest: [String: Contact] = [:]
        var emails: [String] = []
        for contact in contacts {
            if latest.updateValue(contact, forKey: contact.email) == nil { emails.append(contact.email) }
        }
        var failures: [String: ProviderFailure] = [:]
        do {
            let audience = try audience(settings)
            let types = try await mergeFieldTypes.types(audience: audience, client: client)
            // A value Mailchimp would refuse fails its contact here; the others go.
            var typed: [(email: String, mergeFields: [String: MailchimpMergeValue])] = []
            for email in emails {
                switch mergeFields(latest[email]!, settings: settings, types: types) {
                case .success(let fields): typed.append((email, fields))
                case .failure(let failure): failures[email] = failure
                }
            }
            emails = typed.map(\.email)
            let batch = try await client.addNewMembers(audience: audience, typed, status: settings.statusIfNew)
            for (email, reason) in batch.refused { failures[email] = .invalid("Mailchimp refused \(email): \(reason)") }
            let existing = emails.filter { batch.existing.contains($0) }
            let known = latest
            let updated = await perMember(existing) { email throws(ProviderFailure) in
                try await write(known[email]!, settings: settings, types: types, client: client, tags: false)
            }
            failures.merge(updated) { a, _ in a }
            for email in emails where !batch.created.contains(email) && !batch.existing.contains(email) && failures[email] == nil {
                failures[email] = .invalid("Mailchimp did not report what it did with \(email)")
            }
            let untagged = try await tag(emails.filter { failures[$0] == nil }, settings: settings, client: client)
            failures.merge(untagged) { _, new in new }
        } catch {
            let failure = naming(error, settings: settings)
            return contacts.map { failures[$0.email] ?? failure }
        }
        return contacts.map { failures[$0.email].map { naming($0, settings: settings) } }
    }

    /// Tags members through each tag's static segment (created when the audience lacks it); the members a tag
    /// refused.
    private func tag(
        _ emails: [String],
        settings: MailchimpSettings,
        client: MailchimpClient
    ) async throws(ProviderFailure) -> [String: ProviderFailure] {
        guard !settings.tags.isEmpty, !emails.isEmpty else { return [:] }
        let audience = try audience(settings)
        var ids = try await client.tags(audience: audience)
        var failures: [String: ProviderFailure] = [:]
        for tag in settings.tags {
            let id: Int
            if let known = ids[tag] {
                id = known
            } else {
                id = try await client.createTag(audience: audience, name: tag)
                ids[tag] = id
            }
            do {
                for email in try await client.addToTag(audience: audience, tagID: id, emails: emails) {
                    failures[email] = .invalid("Mailchimp could not tag \(email) “\(tag)”")
                }
            } catch .invalid(let why) {
                // The tag went missing meanwhile (a 404 on it): these contacts miss this tag; the others still apply.
                for email in emails { failures[email] = .invalid("Mailchimp could not tag \(email) “\(tag)”: \(why)") }
            }
        }
        return failures
    }

    /// Runs `work` for each member, `concurrentCalls` at a time; the members it failed for.
    private func perMember(
        _ emails: [String],
        _ work: @escaping @Sendable (String) async throws(ProviderFailure) -> Void
    ) async -> [String: ProviderFailure] {
        let lanes = emails.chunked(into: max(1, (emails.count + concurrentCalls - 1) / concurrentCalls))
        return await withTaskGroup(of: [String: ProviderFailure].self) { group in
            for lane in lanes {
                group.addTask {
                    var failures: [String: ProviderFailure] = [:]
                    for email in lane {
                        do throws(ProviderFailure) {
                            try await work(email)
                        } catch {
                            failures[email] = error
                        }
                    }
                    return failures
                }
            }
            var failures: [String: ProviderFailure] = [:]
            for await lane in group { failures.merge(lane) { a, _ in a } }
            return failures
        }
    }

    /// Runs `work` for each item in turn; one result per item.
    private func each<Item>(
        _ items: [Item],
        settings: MailchimpSettings,
        _ work: (Item) async throws(ProviderFailure) -> Void
    ) async -> [ProviderFailure?] {
        var results: [ProviderFailure?] = []
        for item in items {
            do {
                try await work(item)
                results.append(nil)
            } catch {
                results.append(naming(error, settings: settings))
            }
        }
        return results
    }

    // MARK: - Mapping

    /// Upserts the member with its merge fields, then applies the tags (unless `tags` is false).
    private func write(
        _ contact: Contact,
        settings: MailchimpSettings,
        types: [String: String],
        client: MailchimpClient,
        tags: Bool = true
    ) async throws(ProviderFailure) {
        let audience = try audience(settings)
        try await client.upsertMember(
            audience: audience,
            email: contact.email,
            mergeFields: mergeFields(contact, settings: settings, types: types).get(),
            statusIfNew: settings.statusIfNew
        )
        if tags, !settings.tags.isEmpty { try await client.tag(audience: audience, email: contact.email, tags: settings.tags) }
    }

    /// The merge fields of a contact under the settings' mapping (tag → registrant field), each in the type of its
    /// field (`types` by tag); a value Mailchimp would refuse is the contact's failure. Empty values are left out.
    private func mergeFields(
        _ contact: Contact,
        settings: MailchimpSettings,
        types: [String: String]
    ) -> Result<[String: MailchimpMergeValue], ProviderFailure> {
        var merge: [String: MailchimpMergeValue] = [:]
        for (tag, field) in settings.mergeFields.sorted(by: { $0.key < $1.key }) {
            guard let text = contact.field(field), !text.isEmpty else { continue }
            switch MailchimpMergeMapping.value(text, tag: tag, type: types[tag]) {
            case .success(let value): merge[tag] = value
            case .failure(let failure): return .failure(failure)
            }
        }
        return .success(merge)
    }

    /// The member event of an activity: its name (2–30 characters) and properties.
    static func event(_ activity: ContactActivity) -> (String, [String: String]) {
        var properties = ["broadcast_id": activity.broadcast.id]
        if let title = activity.broadcast.title { properties["broadcast_title"] = title }
        switch activity.kind {
        case .registered:
            return ("webinar_registered", properties)
        case .attended(let joined, let left, let seconds):
            properties["watch_seconds"] = String(seconds)
            if let joined { properties["joined_at"] = Timestamp.format(joined) }
            if let left { properties["left_at"] = Timestamp.format(left) }
            return ("webinar_attended", properties)
        }
    }

    private func audience(_ settings: MailchimpSettings) throws(ProviderFailure) -> String {
        guard let audience = settings.audienceID else { throw .invalid("no audience is selected") }
        return audience
    }

    /// A missing audience named as the manager chose it.
    private func naming(_ failure: ProviderFailure, settings: MailchimpSettings) -> ProviderFailure {
        guard case .refused(.listNotFound) = failure, let name = settings.audienceName else { return failure }
        return .refused(.listNotFound(name: "“\(name)”"))
    }

    private func client(_ connection: ProviderConnection) -> MailchimpClient {
        let credentials = connection.credentials
        var client =
            if let token = credentials["access_token"] {
                MailchimpClient(
                    http: http,
                    apiKey: token,
                    baseURL: baseURL ?? credentials["api_endpoint"],
                    oauth: true,
                    dataCenter: credentials["dc"]
                )
            } else {
                MailchimpClient(http: http, apiKey: credentials["api_key"] ?? "", baseURL: baseURL)
            }
        client.pacing = .of(connection)
        client.gate = connections
        return client
    }

    // MARK: - Settings

    private func read(_ fields: [String: JSONValue]) -> Result<MailchimpSettings, FieldErrors> {
        var reader = SettingsReader(fields, allowed: Set(description.settings))
        var settings = MailchimpSettings(
            audienceID: reader.string("audience_id"),
            audienceName: reader.string("audience_name"),
            mergeFields: fields["merge_fields"] == nil ? MailchimpSettings.defaultMergeFields : reader.fieldMapping("merge_fields"),
            tags: reader.strings("tags"),
            statusIfNew: reader.string("status_if_new") ?? "subscribed"
        )
        if !["subscribed", "pending", "unsubscribed", "transactional"].contains(settings.statusIfNew) {
            reader.fail("status_if_new", "must be subscribed, pending, unsubscribed or transactional")
            settings.statusIfNew = "subscribed"
        }
        return reader.result(settings)
    }

    private func decode(_ settings: JSONValue) -> MailchimpSettings {
        (try? read(settings.objectValue ?? [:]).get()) ?? MailchimpSettings()
    }
}

/// A Mailchimp integration's settings.
struct MailchimpSettings: Sendable, Equatable {
    static let defaultMergeFields = ["FNAME": "first_name", "LNAME": "last_name"]

    var audienceID: String?
    var audienceName: String?
    /// Merge field tag → registrant field.
    var mergeFields: [String: String] = defaultMergeFields
    var tags: [String] = []
    /// The status a new member gets: `subscribed` (registrants opted in), `pending` (double opt-in), …
    var statusIfNew = "subscribed"

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "merge_fields": .object(mergeFields.mapValues(JSONValue.string)), "tags": .array(tags.map(JSONValue.string)),
            "status_if_new": .string(statusIfNew),
        ]
        if let audienceID { object["audience_id"] = .string(audienceID) }
        if let audienceName { object["audience_name"] = .string(audienceName) }
        return .object(object)
    }
}
