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
    /// Marketing events known to exist, per integration and broadcast, so each is created once per process.
    private let createdEvents = Mutex<Set<String>>([])
    /// Live batches riding in a running resync's upserts, answered with the contacts' ids.
    private let lane = ResyncLane<Result<[String: String], ProviderFailure>>()

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
        return reader.result(token.map { ["access_token": $0] } ?? [:])
    }

    public func settings(from fields: [String: JSONValue]) -> Result<JSONValue, FieldErrors> {
        read(fields).map(Self.json)
    }

    public func missingSettings(_ settings: JSONValue) -> [String] { [] }

    public func validate(_ connection: ContactSyncConnection) async throws(ProviderFailure) -> ValidationFailure? {
        try await HubSpotValidation.check(
            client(connection),
            settings: decode(connection.settings),
            oauth: connection.credentials["refresh_token"] != nil
        )
    }

    // MARK: - OAuth

    /// HubSpot's consent page (the emulator's when the API URL is overridden).
    var authorizeURL: String {
        baseURL == HubSpotClient.defaultBaseURL ? "https://app.hubspot.com/oauth/authorize" : baseURL + "/oauth/authorize"
    }

    public func authorizationURL(state: String) -> String? {
        guard let oauth else { return nil }
        return ProviderHTTP.url(
            authorizeURL,
            query: [
                "client_id": oauth.clientID, "redirect_uri": oauth.redirectURI, "state": state,
                "scope": HubSpotValidation.requiredScopes(for: HubSpotSettings(listID: "any")).sorted().joined(separator: " "),
            ]
        )
    }

    public func exchange(code: String) async throws(ProviderFailure) -> [String: String] {
        try await token(["grant_type": "authorization_code", "code": code])
    }

    public func needsRefresh(_ credentials: [String: String], now: Date) -> Bool {
        guard credentials["refresh_token"] != nil, let expires = credentials["expires_at"].flatMap(TimeInterval.init) else { return false }
        return expires - 300 < now.timeIntervalSince1970
    }

    public func refresh(_ credentials: [String: String]) async throws(ProviderFailure) -> [String: String] {
        guard let refreshToken = credentials["refresh_token"] else { return credentials }
        return try await token(["grant_type": "refresh_token", "refresh_token": refreshToken])
    }

    /// `POST /oauth/v1/token`: access and refresh tokens; a refused code or refresh token is expired credentials.
    private func token(_ grant: [String: String]) async throws(ProviderFailure) -> [String: String] {
        guard let oauth else { throw .refused(.expiredCredentials("HubSpot OAuth is no longer configured on this Switchboard")) }
        let fields = grant.merging(["client_id": oauth.clientID, "client_secret": oauth.clientSecret, "redirect_uri": oauth.redirectURI]) { a, _ in a
        }
        let answer = try await ProviderHTTP.postForm(http, baseURL + "/oauth/v1/token", fields, provider: "HubSpot")
        guard answer.succeeded, let access = answer.body?["access_token"] as? String, let refresh = answer.body?["refresh_token"] as? String else {
            if (400..<500).contains(answer.status) {
                let status = answer.body?["status"] as? String ?? "HTTP \(answer.status)"
                throw .refused(.expiredCredentials("HubSpot refused the OAuth grant (\(status))"))
            }
            throw .unavailable("HubSpot's token endpoint answered \(answer.status)")
        }
        let lifetime = (answer.body?["expires_in"] as? Int).map(TimeInterval.init) ?? 1800
        return ["access_token": access, "refresh_token": refresh, "expires_at": String(Int(Date().timeIntervalSince1970 + lifetime))]
    }

    public func options(_ connection: ContactSyncConnection) async throws(ProviderFailure) -> [String: [ProviderResource]] {
        let client = client(connection)
        let lists = try await client.lists()
        let properties = try await client.contactProperties().sorted().map { ProviderResource(id: $0, name: $0) }
        return ["lists": lists, "properties": properties]
    }

    public func sync(_ activities: [ContactActivity], over connection: ContactSyncConnection) async -> [ProviderFailure?] {
        let client = client(connection)
        let settings = decode(connection.settings)
        var results = [ProviderFailure?](repeating: nil, count: activities.count)
        // Contacts first: every activity needs its contact; a registration brings its fields.
        let contacts = activities.map { activity -> Contact in
            if case .registered = activity.kind { return activity.contact }
            return Contact(email: activity.contact.email)
        }
        let ids: [String: String]
        do {
            ids = try await upsertLive(contacts, over: connection, settings: settings, client: client)
        } catch {
            return results.map { _ in error }
        }
        func fail(_ indices: [Int], _ failure: ProviderFailure) {
            for index in indices where results[index] == nil { results[index] = failure }
        }
        let registered = activities.indices.filter { if case .registered = activities[$0].kind { true } else { false } }
        let attended = activities.indices.filter { !registered.contains($0) }
        for (listID, indices) in [(settings.listID, registered), (settings.attendedListID, attended)] {
            guard let listID, !indices.isEmpty else { continue }
            do {
                try await client.addToList(listID, contactIDs: Array(Set(indices.compactMap { ids[activities[$0].contact.email] })))
            } catch {
                fail(indices, Self.naming(error, settings: settings, listID: listID))
            }
        }
        // Provider-native activity: the broadcast's marketing event with the contact's participation.
        let groups = Dictionary(grouping: activities.indices) { index in
            let attendedEvent = if case .attended = activities[index].kind { true } else { false }
            return EventGroup(broadcast: activities[index].broadcast, attended: attendedEvent)
        }
        for (group, indices) in groups.sorted(by: { $0.key.broadcast.id < $1.key.broadcast.id }) {
            do {
                try await ensureEvent(group.broadcast, connection: connection, client: client)
                let participations = indices.map { index in
                    HubSpotClient.Participation(
                        email: activities[index].contact.email,
                        at: activities[index].occurredAt,
                        properties: Self.participationProperties(activities[index])
                    )
                }
                try await client.recordParticipations(
                    externalEventID: group.broadcast.id,
                    externalAccountID: connection.integrationID,
                    state: group.attended ? "attend" : "register",
                    participations
                )
            } catch {
                fail(indices, error)
            }
        }
        return results
    }

    public func resync(_ contacts: [Contact], over connection: ContactSyncConnection) async -> [ProviderFailure?] {
        let client = client(connection)
        let settings = decode(connection.settings)
        let integrationID = connection.integrationID
        var results = [ProviderFailure?](repeating: nil, count: contacts.count)
        // Batches of 100, `concurrentCalls` at a time: the budget paces them; overlapping hides each call's latency.
        // Live batches of the integration ride along in them (see `ResyncLane`); the page always keeps a seat.
        lane.open(integrationID, settings: connection.settings)
        defer { lane.close(integrationID) }
        var ids: [String: String] = [:]
        await withTaskGroup(of: (Range<Int>, Result<[String: String], ProviderFailure>).self) { group in
            var next = 0
            func start() {
                guard next < contacts.count else { return lane.close(integrationID) }
                let passengers = lane.board(integrationID, seats: batchSize - 1)
                let chunk = next..<min(next + batchSize - passengers.reduce(0) { $0 + $1.contacts.count }, contacts.count)
                next = chunk.upperBound
                // A batch carrying live contacts goes with live priority.
                let caller = passengers.isEmpty ? client : self.client(connection, priority: .live)
                group.addTask {
                    let result: Result<[String: String], ProviderFailure>
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
                case .success(let found): for index in chunk { ids[contacts[index].email] = found[contacts[index].email] }
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
        over connection: ContactSyncConnection,
        settings: HubSpotSettings,
        client: HubSpotClient
    ) async throws(ProviderFailure) -> [String: String] {
        if contacts.count <= batchSize / 2,
            let answer = await lane.ride(contacts, integrationID: connection.integrationID, settings: connection.settings)
        {
            return try answer.get()
        }
        return try await upsert(contacts, settings: settings, client: client)
    }

    /// Upserts contacts (unique by email, the last one's fields winning) with their mapped properties; first
    /// and last names that HubSpot already has are kept unless the settings allow overwriting them.
    private func upsert(_ contacts: [Contact], settings: HubSpotSettings, client: HubSpotClient) async throws(ProviderFailure) -> [String: String] {
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
        return try await client.upsertContacts(inputs)
    }

    private func ensureEvent(_ broadcast: BroadcastReference, connection: ContactSyncConnection, client: HubSpotClient) async throws(ProviderFailure)
    {
        let key = connection.integrationID + "\u{0}" + broadcast.id
        guard !createdEvents.withLock({ $0.contains(key) }) else { return }
        try await client.createMarketingEvent(
            externalEventID: broadcast.id,
            externalAccountID: connection.integrationID,
            name: broadcast.title ?? broadcast.id,
            startsAt: broadcast.startsAt
        )
        _ = createdEvents.withLock { $0.insert(key) }
    }

    static func participationProperties(_ activity: ContactActivity) -> [String: String] {
        guard case .attended(let joined, let left, let seconds) = activity.kind else { return [:] }
        var properties = ["watch_seconds": String(seconds)]
        if let joined { properties["joinedAt"] = Timestamp.format(joined) }
        if let left { properties["leftAt"] = Timestamp.format(left) }
        return properties
    }

    /// A missing list named as the manager chose it.
    static func naming(_ failure: ProviderFailure, settings: HubSpotSettings, listID: String) -> ProviderFailure {
        guard case .refused(.listNotFound) = failure else { return failure }
        let name = listID == settings.listID ? settings.listName.map { "“\($0)”" } ?? listID : listID
        return .refused(.listNotFound(name: name))
    }

    private func client(_ connection: ContactSyncConnection, priority: RequestBudget.Priority? = nil) -> HubSpotClient {
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
