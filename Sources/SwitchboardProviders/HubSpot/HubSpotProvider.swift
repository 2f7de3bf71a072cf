import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEngine
import Synchronization

/// HubSpot as a contact-sync provider: registrants become contacts (batch upsert by email, up to 100 per
/// call) with the mapped properties, join the chosen list, and each broadcast becomes a marketing event
/// with `register` and `attend` participations.
public final class HubSpotProvider: ContactSyncProvider {
    let http: HTTPClient
    let baseURL: String
    /// Requests per rolling window each token may send (private apps: 100 per 10 s; more on Pro and
    /// Enterprise accounts).
    let rateLimit: (requests: Int, window: TimeInterval)
    /// The operator's HubSpot app, when managers may connect with OAuth.
    let oauth: OAuthApp?
    /// Marketing events this process knows were upserted (a cache in front of the integration's `ProviderMemory`).
    private let upsertedEvents = Mutex<Set<String>>([])
    /// Live batches riding in a running resync's upserts, answered with what HubSpot did with their contacts.
    private let lane = ResyncLane<Result<HubSpotClient.Upserted, ProviderFailure>>()

    public init(
        http: HTTPClient,
        baseURL: String = HubSpotClient.defaultBaseURL,
        rateLimit: (requests: Int, window: TimeInterval) = (100, 10),
        oauth: OAuthApp? = nil
    ) {
        self.http = http
        self.baseURL = baseURL
        self.rateLimit = rateLimit
        self.oauth = oauth
    }

    public var description: ProviderDescription {
        ProviderDescription(
            provider: "hubspot",
            category: "CRM & Email Providers",
            displayName: "HubSpot",
            credentials: ["access_token"],
            settings: ["list_id", "list_name", "attended_list_id", "properties", "overwrite_names"],
            events: [OutboundEventType.registrationCreated.rawValue, OutboundEventType.attendanceRecorded.rawValue]
        )
    }

    public var settingsSchema: JSONValue {
        ProviderSchemas.object([
            "list_id": ProviderSchemas.setting, "list_name": ProviderSchemas.setting, "attended_list_id": ProviderSchemas.setting,
            "overwrite_names": ProviderSchemas.boolean, "properties": ProviderSchemas.fieldMapping("HubSpot contact property → registrant field"),
        ])
    }

    /// A Service Key or private-app token; none when the manager connects with OAuth (operator's app configured).
    public var credentialsSchema: JSONValue? {
        // A token travels in an HTTP header: visible ASCII only (pat-na1-…, a Service Key, an OAuth token).
        ProviderSchemas.object(["access_token": ["type": "string", "pattern": "^[!-~]{8,500}$"]], required: ["access_token"])
    }

    public var batchSize: Int { 100 }
    public var concurrentCalls: Int { 2 }
    /// Pages of 10,000: 100 batch upserts and one list call, so list membership costs 1% of the rate limit.
    public var resyncPageSize: Int { 10_000 }

    /// The token's limit (a private app's: 100 requests in any 10 seconds).
    public func makeBudget() -> RequestBudget {
        RequestBudget(limit: rateLimit.requests, window: rateLimit.window)
    }

    public func credentials(from fields: [String: JSONValue]) -> Result<[String: String], FieldErrors> {
        var reader = SettingsReader(fields, prefix: "credentials/", allowed: ["access_token"])
        let token = reader.string("access_token", required: true)
        if let token, token.wholeMatch(of: /[!-~]{8,500}/) == nil {
            reader.fail("access_token", "must be a HubSpot access token: 8 to 500 visible characters, no spaces")
        }
        return reader.result(token.map { ["access_token": $0] } ?? [:])
    }

    public func settings(from fields: [String: JSONValue]) -> Result<JSONValue, FieldErrors> {
        read(fields).map(Self.json)
    }

    public func missingSettings(_ settings: JSONValue) -> [String] { [] }

    public func validate(_ connection: ProviderConnection) async throws(ProviderFailure) -> ValidationFailure? {
        try await HubSpotValidation.check(
            client(connection),
            settings: decode(connection.settings),
            viaOAuth: connection.credentials["refresh_token"] != nil,
            app: oauth
        )
    }

    public func options(_ connection: ProviderConnection) async throws(ProviderFailure) -> [String: [ProviderResource]] {
        let client = client(connection)
        // Only what can be chosen: lists contacts can be added to, and properties HubSpot lets Switchboard write.
        let lists = try await client.lists().map { ProviderResource(id: $0.id, name: $0.name) }
        let properties = try await client.contactProperties().filter { !$0.readOnly }.sorted { $0.name < $1.name }
            .map { ProviderResource(id: $0.name, name: $0.label) }
        return ["lists": lists, "properties": properties]
    }

    public var optionsBySetting: [String: String] { ["list_id": "lists", "attended_list_id": "lists"] }

    public func sync(_ activities: [ContactActivity], over connection: ProviderConnection) async -> [ProviderFailure?] {
        let client = client(connection)
        let settings = decode(connection.settings)
        var results = [ProviderFailure?](repeating: nil, count: activities.count)
        // Contacts first: every activity needs its contact; a registration brings its fields.
        let contacts = activities.map { activity -> Contact in
            if case .registered = activity.kind { return activity.contact }
            return Contact(email: activity.contact.email)
        }
        let upserted: HubSpotClient.Upserted
        do {
            upserted = try await upsertLive(contacts, over: connection, settings: settings, client: client)
        } catch {
            return results.map { _ in error }
        }
        let ids = upserted.ids
        func fail(_ indices: [Int], _ failure: ProviderFailure) {
            for index in indices where results[index] == nil { results[index] = failure }
        }
        // A contact HubSpot refused fails its own activities; the others go on.
        for index in activities.indices {
            let email = activities[index].contact.email
            if let reason = upserted.refused[email] {
                results[index] = Self.refusal(email, reason)
            } else if ids[email] == nil {
                results[index] = .invalid("HubSpot did not return the contact \(email)")
            }
        }
        let synced = activities.indices.filter { results[$0] == nil }
        let registered = synced.filter { if case .registered = activities[$0].kind { true } else { false } }
        let attended = synced.filter { !registered.contains($0) }
        for (listID, indices) in [(settings.listID, registered), (settings.attendedListID, attended)] {
            guard let listID, !indices.isEmpty else { continue }
            do {
                try await client.addToList(listID, contactIDs: Array(Set(indices.compactMap { ids[activities[$0].contact.email] })))
            } catch {
                fail(indices, Self.naming(error, settings: settings, listID: listID))
            }
        }
        // Provider-native activity: the broadcast's marketing event with the contact's participation.
        let groups = Dictionary(grouping: synced) { index in
            let attendedEvent = if case .attended = activities[index].kind { true } else { false }
            return EventGroup(broadcast: activities[index].broadcast, attended: attendedEvent)
        }
        for (group, indices) in groups.sorted(by: { $0.key.broadcast.id < $1.key.broadcast.id }) {
            do {
                try await ensureEvent(group.broadcast, connection: connection, client: client)
                let participations = indices.map { Self.participation(activities[$0]) }
                let refused = try await client.recordParticipations(
                    externalEventID: group.broadcast.id,
                    externalAccountID: connection.integrationID,
                    state: group.attended ? "attend" : "register",
                    participations
                )
                for index in indices {
                    let email = activities[index].contact.email
                    if let why = refused[email] { results[index] = .invalid("HubSpot did not record \(email)'s participation: \(why)") }
                }
            } catch {
                fail(indices, error)
            }
        }
        return results
    }

    public func resync(_ contacts: [Contact], over connection: ProviderConnection) async -> [ProviderFailure?] {
        let client = client(connection)
        let settings = decode(connection.settings)
        let integrationID = connection.integrationID
        var results = [ProviderFailure?](repeating: nil, count: contacts.count)
        // Batches of 100, `concurrentCalls` at a time: the budget paces them; overlapping hides each call's latency.
        // Live batches of the integration ride along in them (see `ResyncLane`); the page always keeps a seat.
        lane.open(integrationID, settings: connection.settings)
        defer { lane.close(integrationID) }
        var ids: [String: String] = [:]
        await withTaskGroup(of: (Range<Int>, Result<HubSpotClient.Upserted, ProviderFailure>).self) { group in
            var next = 0
            func start() {
                guard next < contacts.count else { return lane.close(integrationID) }
                let passengers = lane.board(integrationID, seats: batchSize - 1)
                let chunk = next..<min(next + batchSize - passengers.reduce(0) { $0 + $1.contacts.count }, contacts.count)
                next = chunk.upperBound
                // A batch carrying live contacts goes with live priority.
                let caller = passengers.isEmpty ? client : self.client(connection, priority: .live)
                group.addTask {
                    let result: Result<HubSpotClient.Upserted, ProviderFailure>
                    do throws(ProviderFailure) {
                        // Passengers last: a live registration's fields are newer than the stored ones.
                        let batch = contacts[chunk] + passengers.flatMap(\.contacts)
                        result = .success(try await self.upsert(Array(batch), settings: settings, client: caller))
                    } catch {
                        result = .failure(error)
                    }
                    for passenger in passengers { passenger.answer.resume(returning: result) }
                    return (chunk, result)
                }
            }
            for _ in 0..<concurrentCalls { start() }
            for await (chunk, result) in group {
                switch result {
                case .success(let upserted):
                    for index in chunk {
                        let email = contacts[index].email
                        if let reason = upserted.refused[email] {
                            results[index] = Self.refusal(email, reason)
                        } else {
                            ids[email] = upserted.ids[email]
                        }
                    }
                case .failure(let error): for index in chunk { results[index] = error }
                }
                start()
            }
        }
        for index in contacts.indices where results[index] == nil && ids[contacts[index].email] == nil {
            results[index] = .invalid("HubSpot did not return the contact")
        }
        if let listID = settings.listID, !ids.isEmpty {
            // One membership call for the whole page: HubSpot takes many record ids per call.
            do {
                try await client.addToList(listID, contactIDs: Array(Set(ids.values)))
            } catch {
                for index in contacts.indices where results[index] == nil { results[index] = Self.naming(error, settings: settings, listID: listID) }
            }
        }
        return results
    }

    // MARK: - Mapping

    struct EventGroup: Hashable {
        let broadcast: BroadcastReference
        let attended: Bool
    }

    /// Live contacts are upserted by a resync of the same integration when one runs here and the batch is
    /// small (a batch half full or more is worth its own call): then they cost no request of their own.
    private func upsertLive(
        _ contacts: [Contact],
        over connection: ProviderConnection,
        settings: HubSpotSettings,
        client: HubSpotClient
    ) async throws(ProviderFailure) -> HubSpotClient.Upserted {
        if contacts.count <= batchSize / 2,
            let answer = await lane.ride(contacts, integrationID: connection.integrationID, settings: connection.settings)
        {
            return try answer.get()
        }
        return try await upsert(contacts, settings: settings, client: client)
    }

    /// Upserts contacts (unique by email, the last one's fields winning) with their mapped properties; first
    /// and last names that HubSpot already has are kept unless the settings allow overwriting them.
    private func upsert(
        _ contacts: [Contact],
        settings: HubSpotSettings,
        client: HubSpotClient
    ) async throws(ProviderFailure) -> HubSpotClient.Upserted {
        var latest: [String: Contact] = [:]
        var order: [String] = []
        for contact in contacts {
            if latest[contact.email] == nil { order.append(contact.email) }
            latest[contact.email] = contact
        }
        var keepNames: [String: [String: String]] = [:]
        if !settings.overwriteNames, latest.values.contains(where: { $0.firstName != nil || $0.lastName != nil }) {
            keepNames = try await client.readContacts(emails: order, properties: ["firstname", "lastname"])
        }
        let inputs = order.compactMap { latest[$0] }.map { contact in
            var properties: [String: String] = [:]
            let existing = keepNames[contact.email] ?? [:]
            if let first = contact.firstName, existing["firstname"]?.isEmpty ?? true { properties["firstname"] = first }
            if let last = contact.lastName, existing["lastname"]?.isEmpty ?? true { properties["lastname"] = last }
            for (property, field) in settings.properties {
                if let value = contact.field(field) { properties[property] = value }
            }
            return HubSpotClient.ContactInput(email: contact.email, properties: properties)
        }
        return try await Self.upsertIsolating(inputs, client: client)
    }

    /// Upserts a batch; one HubSpot refuses whole (400) is split in halves, and those again, until each input at
    /// fault is alone and refused with HubSpot's reason: the other contacts of the batch — live contacts riding in
    /// a resync among them — are written. A batch with one bad input costs about 2·log₂(size) more calls.
    static func upsertIsolating(_ inputs: [HubSpotClient.ContactInput], client: HubSpotClient) async throws(ProviderFailure) -> HubSpotClient.Upserted
    {
        guard !inputs.isEmpty else { return HubSpotClient.Upserted() }
        do {
            return try await client.upsertContacts(inputs)
        } catch .invalid(let reason) {
            guard inputs.count > 1 else {
                // HubSpot's words without the status the whole-batch refusal was reported with.
                let words = reason.hasPrefix("HubSpot answered 400: ") ? String(reason.dropFirst("HubSpot answered 400: ".count)) : reason
                return HubSpotClient.Upserted(refused: [inputs[0].email.lowercased(): words])
            }
            var upserted = try await upsertIsolating(Array(inputs[..<(inputs.count / 2)]), client: client)
            upserted.merge(try await upsertIsolating(Array(inputs[(inputs.count / 2)...]), client: client))
            return upserted
        }
    }

    /// The failure of a contact HubSpot refused, in its words.
    static func refusal(_ email: String, _ reason: String) -> ProviderFailure {
        .invalid("HubSpot refused the contact \(email): \(reason)")
    }

    /// Upserts the broadcast's marketing event unless the integration's memory says this version of it (name and
    /// start) was upserted already: the store knows it across restarts and processes, this process's cache saves
    /// the read. Without a memory (a bare connection) the event is upserted every time, which is harmless.
    private func ensureEvent(_ broadcast: BroadcastReference, connection: ProviderConnection, client: HubSpotClient) async throws(ProviderFailure) {
        let name = broadcast.title ?? broadcast.id
        let version = SecretToken.hash(name + "\u{0}" + (broadcast.startsAt.map(Timestamp.format) ?? "")).prefix(16)
        // An event's external ids work only for the app that created it (HubSpot's marketing events guide): new
        // credentials (another app, another portal) write the event again.
        let credential = connection.credentials["refresh_token"] ?? connection.credentials["access_token"] ?? ""
        let mark = "hubspot.marketing_event:\(SecretToken.hash(credential).prefix(12)):\(broadcast.id):\(version)"
        let key = connection.integrationID + "\u{0}" + mark
        guard !upsertedEvents.withLock({ $0.contains(key) }) else { return }
        if let memory = connection.memory, try await memory.contains(mark) {
            _ = upsertedEvents.withLock { $0.insert(key) }
            return
        }
        try await client.upsertMarketingEvent(
            externalEventID: broadcast.id,
            externalAccountID: connection.integrationID,
            name: name,
            startsAt: broadcast.startsAt
        )
        try await connection.memory?.insert(mark)
        _ = upsertedEvents.withLock { $0.insert(key) }
    }

    static func participation(_ activity: ContactActivity) -> HubSpotClient.Participation {
        var participation = HubSpotClient.Participation(email: activity.contact.email, at: activity.occurredAt)
        if case .attended(let joined, let left, _) = activity.kind {
            participation.joinedAt = joined
            participation.leftAt = left
        }
        return participation
    }

    /// A missing list named as the manager chose it.
    static func naming(_ failure: ProviderFailure, settings: HubSpotSettings, listID: String) -> ProviderFailure {
        guard case .refused(.listNotFound) = failure else { return failure }
        let name = listID == settings.listID ? settings.listName.map { "“\($0)”" } ?? listID : listID
        return .refused(.listNotFound(name: name))
    }

    private func client(_ connection: ProviderConnection, priority: RequestBudget.Priority? = nil) -> HubSpotClient {
        HubSpotClient(
            http: http,
            baseURL: baseURL,
            token: connection.credentials["access_token"] ?? "",
            pacing: .init(budget: connection.budget, priority: priority ?? connection.priority)
        )
    }

    // MARK: - Settings

    private func read(_ fields: [String: JSONValue]) -> Result<HubSpotSettings, FieldErrors> {
        var reader = SettingsReader(fields, allowed: Set(description.settings))
        let settings = HubSpotSettings(
            listID: reader.string("list_id"),
            listName: reader.string("list_name"),
            attendedListID: reader.string("attended_list_id"),
            properties: reader.fieldMapping("properties"),
            overwriteNames: reader.bool("overwrite_names", default: false)
        )
        return reader.result(settings)
    }

    private func decode(_ settings: JSONValue) -> HubSpotSettings {
        (try? read(settings.objectValue ?? [:]).get()) ?? HubSpotSettings()
    }

    static func json(_ settings: HubSpotSettings) -> JSONValue {
        var object: [String: JSONValue] = [
            "properties": .object(settings.properties.mapValues(JSONValue.string)), "overwrite_names": .bool(settings.overwriteNames),
        ]
        if let listID = settings.listID { object["list_id"] = .string(listID) }
        if let listName = settings.listName { object["list_name"] = .string(listName) }
        if let attended = settings.attendedListID { object["attended_list_id"] = .string(attended) }
        return .object(object)
    }
}
