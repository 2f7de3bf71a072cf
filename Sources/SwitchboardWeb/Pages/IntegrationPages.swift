import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardHTTP
import SwitchboardStore

/// Settings > Integrations: the list by category, and the Add and Manage drawers over it. Each drawer is a page of
/// its own address, so that every step can be linked, reloaded and used without JavaScript. The actions are in
/// `IntegrationActions`; both call the same services as the API.
struct IntegrationPages {
    let dependencies: AppDependencies
    let pages: PageRenderer
    let cookies: SessionCookie
    var store: Store { dependencies.store }
    var service: IntegrationService { dependencies.integrations }
    var catalogue: ProviderCatalogue { dependencies.catalogue }

    /// The categories in the order the page shows them (SPEC §1); a category without a provider is left out.
    static let categoryOrder = ["CRM & Email Providers", "Notification Providers", "Payment Providers", "Webhooks & Connectors", "Lead Sources"]

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.get("/") { _, _ in PageRenderer.redirect("/settings/integrations") }
        group.get("/settings") { _, _ in PageRenderer.redirect("/settings/integrations") }
        group.get("/settings/integrations") { request, context in try await page(request, context) }
        group.get("/settings/integrations/new") { request, context in
            try await page(request, context, add: addStep(category: request.uri.queryParameters.get("category")))
        }
        group.get("/settings/integrations/new/:provider") { request, context in
            let provider = try context.parameters.require("provider")
            guard let form = setupForm(provider: provider, values: FormFields(urlEncoded: "")) else {
                return pages.message(
                    status: .notFound,
                    title: "No such provider",
                    text: "Choose one from the list.",
                    back: "/settings/integrations/new"
                )
            }
            return try await page(request, context, add: AddDrawerView(setup: form))
        }
        group.get("/settings/integrations/:id") { request, context in
            let integration = try await integration(context)
            guard let integration else { return notFound() }
            return try await page(request, context, manage: try await manageDrawer(integration, context: context))
        }
    }

    // MARK: The page

    /// The list page, with a drawer open over it when one is given.
    func page(
        _ request: Request,
        _ context: SwitchboardRequestContext,
        add: AddDrawerView? = nil,
        manage: ManageDrawerView? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let session = try session(context)
        let integrations = try await store.integrations(workspaceID: session.workspaceId, limit: 500, cursor: nil).items
        let categories = Self.categoryOrder.compactMap { name -> CategoryView? in
            let providers = catalogue.all.filter { $0.category == name }
            let cards = integrations.filter { service.category(of: $0) == name }.map {
                CardView(
                    id: $0.id,
                    label: $0.label,
                    providerName: catalogue.displayName($0.provider),
                    status: StatusView($0),
                    href: "/settings/integrations/\($0.id)"
                )
            }
            guard !providers.isEmpty || !cards.isEmpty else { return nil }
            return CategoryView(
                name: name,
                slug: Self.slug(name),
                integrations: cards,
                hasIntegrations: !cards.isEmpty,
                providerNames: providers.map(\.displayName).joined(separator: ", ")
            )
        }
        let title = manage.map { "\($0.label) · Integrations" } ?? (add != nil ? "Add integration" : "Integrations")
        var chrome = try await chrome(request, session: session, title: title)
        chrome.drawerOpen = add != nil || manage != nil
        let view = IntegrationsPageView(
            chrome: chrome,
            categories: categories,
            addDrawer: add,
            manageDrawer: manage
        )
        return pages.page("integrations", view, status: status)
    }

    /// What surrounds every page: workspace, role, bell, the CSRF token, and a message after an action.
    func chrome(_ request: Request, session: WebSession, title: String) async throws -> Chrome {
        let workspace = try await store.workspace(id: session.workspaceId)
        let token = cookies.session(of: request) ?? ""
        let unread = try await store.unreadNotificationCount(workspaceID: session.workspaceId)
        return Chrome(
            title: title,
            workspaceName: workspace?.name ?? "Workspace",
            isManager: session.role == .manager,
            roleName: session.role == .manager ? "Manager" : "Member (read only)",
            unreadNotifications: unread,
            csrf: SessionCookie.csrfToken(session: token),
            flash: request.uri.queryParameters.get("done").flatMap { Self.doneMessages[$0] },
            hasUnread: unread > 0
        )
    }

    /// What an action did, by the `done` a redirect carries (fixed sentences: the address cannot inject text).
    static let doneMessages = [
        "created": "Integration saved.",
        "saved": "Changes saved.",
        "paused": "Paused: nothing is sent until you resume it.",
        "resumed": "Resumed: deliveries are flowing again.",
        "finished": "Setup finished: the integration is active.",
        "deleted": "Integration deleted.",
        "rotated": "A new signing secret is in use; the previous one keeps signing for 24 hours.",
        "resent": "The delivery is queued to be sent again.",
    ]

    // MARK: Add Integration

    /// Step one (no category) or two (a category's providers).
    func addStep(category: String?) -> AddDrawerView {
        let categories = Self.categoryOrder.filter { name in catalogue.all.contains { $0.category == name } }
        guard let category, let name = categories.first(where: { Self.slug($0) == category }) else {
            return AddDrawerView(
                categories: categories.map { AddDrawerView.Choice(name: $0, href: "/settings/integrations/new?category=\(Self.slug($0))") }
            )
        }
        let providers = catalogue.all.filter { $0.category == name }.map {
            AddDrawerView.Choice(name: $0.displayName, href: "/settings/integrations/new/\($0.provider)")
        }
        return AddDrawerView(providers: providers, categoryName: name)
    }

    /// The setup form of a provider, filled from a submitted form (empty at first); nil for an unknown provider.
    func setupForm(provider name: String, values: FormFields, errors: [FieldError] = [], error: String? = nil) -> AddDrawerView.SetupForm? {
        guard let provider = catalogue.provider(name) else { return nil }
        let credentials = provider.credentialsSchema.map { SchemaForm(part: .credentials, schema: $0) }
        // A webhook is saved whole; a provider's API is connected first (its lists and channels come after).
        let connects = catalogue.provider(name, as: (any ConnectedProvider).self) != nil
        let credentialFields = credentials?.fields(current: [:], errors: errors) ?? []
        let settingsFields = settingsFieldsFor(provider, values, errors)
        return AddDrawerView.SetupForm(
            provider: name,
            providerName: provider.description.displayName,
            action: "/settings/integrations/new/\(name)",
            label: values["label"] ?? "",
            labelError: errors.first { $0.field == "label" }?.message,
            credentialFields: credentialFields,
            settingsFields: settingsFields,
            submitLabel: connects ? "Connect" : "Save and Close",
            error: Self.message(error, unmatched: errors, fields: credentialFields + settingsFields),
            hasCredentials: !credentialFields.isEmpty,
            oauthName: provider.configuredOAuth.map { _ in provider.description.displayName }
        )
    }

    private func settingsFieldsFor(_ provider: any IntegrationProvider, _ values: FormFields, _ errors: [FieldError]) -> [FormFieldView] {
        let settings = SchemaForm(part: .settings, schema: provider.settingsSchema)
        return settings.fields(current: settings.object(from: values, partial: false), errors: errors)
    }

    /// The drawer's message: `error`, and the field errors no input shows (`credentials` as a whole, a removed setting).
    static func message(_ error: String?, unmatched errors: [FieldError], fields: [FormFieldView]) -> String? {
        let shown = fields.map(\.name) + ["label"]
        let rest = errors.filter { error in !shown.contains { error.field == $0 || error.field.hasPrefix($0 + "/") } }.map {
            "\(SchemaForm.words($0.field.split(separator: "/").last.map(String.init) ?? $0.field)) \($0.message)."
        }
        let parts = (error.map { [$0] } ?? []) + rest
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    // MARK: Manage Integration

    /// How long the Manage drawer waits for the provider's lists and channels.
    static let choicesWaitSeconds = 4
    static let choicesWait: Duration = .seconds(choicesWaitSeconds)

    /// The Manage drawer of an integration; `form` and `errors` refill it after a refused change.
    func manageDrawer(
        _ integration: Integration,
        context: SwitchboardRequestContext,
        form: FormFields? = nil,
        errors: [FieldError] = [],
        error: String? = nil,
        testResult: TestResultView? = nil
    ) async throws -> ManageDrawerView {
        let session = try session(context)
        let provider = catalogue.provider(integration.provider)
        let saved = (try? JSONValue(json: integration.settings.utf8))?.objectValue ?? [:]
        let settingsForm = provider.map { SchemaForm(part: .settings, schema: $0.settingsSchema) }
        let current = form.flatMap { settingsForm?.object(from: $0, partial: false) } ?? saved
        // The provider's lists, channels… fresh from its API on every view (the selector refresh is a reload), waited
        // for a few seconds only: a slow provider leaves the saved choices to show and edit, not a page that hangs.
        var choices: [String: [ProviderResource]] = [:]
        var optionsNote: String?
        let offers = catalogue.provider(integration.provider, as: (any OffersOptions).self)
        if let offers {
            let providerName = catalogue.displayName(integration.provider)
            do {
                let (service, workspaceID, id) = (service, session.workspaceId, integration.id)
                switch try await withTimeLimit(Self.choicesWait, { try await service.options(workspaceID: workspaceID, id: id) }) {
                case .finished(let options): choices = offers.choicesBySetting(options)
                case .timedOut:
                    optionsNote =
                        "\(providerName) did not send its choices within \(Self.choicesWaitSeconds) seconds: the settings are shown as they stand. Refresh the choices to ask again."
                }
            } catch {
                optionsNote = "Could not load the choices from \(providerName): \(APIError(explaining: error).detail)"
            }
        }
        let credentialFields =
            provider?.credentialsSchema.map {
                SchemaForm(part: .credentials, schema: $0).fields(current: [:], hints: service.credentialHints(of: integration), errors: errors)
            } ?? []
        var drawer = ManageDrawerView(
            id: integration.id,
            label: form?["label"] ?? integration.label,
            providerName: catalogue.displayName(integration.provider),
            status: StatusView(integration),
            href: "/settings/integrations/\(integration.id)",
            labelError: errors.first { $0.field == "label" }?.message,
            credentialFields: credentialFields,
            settingsFields: settingsForm?.fields(current: current, choices: choices, errors: errors) ?? [],
            hasCredentials: !credentialFields.isEmpty
        )
        drawer.offersOptions = offers != nil
        drawer.optionsNote = optionsNote
        drawer.error = Self.message(error, unmatched: errors, fields: drawer.credentialFields + drawer.settingsFields)
        drawer.oauthName = provider?.configuredOAuth.map { _ in drawer.providerName }
        drawer.testResult = testResult
        drawer.canResync =
            catalogue.provider(integration.provider, as: (any ContactSyncProvider).self) != nil && integration.status != .setupIncomplete
        drawer.canPause = integration.status != .paused
        drawer.canResume = integration.status == .paused
        if let setup = integration.setup.flatMap({ try? JSONDecoder().decode(SetupProgress.self, from: Data($0.utf8)) }) {
            drawer.setup = [
                SetupStep(label: "Connected to \(drawer.providerName)", done: setup.authorized),
                SetupStep(
                    label: setup.missingSettings.isEmpty ? "Settings chosen" : "Choose " + setup.missingSettings.joined(separator: ", "),
                    done: setup.missingSettings.isEmpty
                ),
                SetupStep(label: "Finish pressed", done: setup.finished),
            ]
            drawer.canFinish = integration.status == .setupIncomplete && setup.authorized && setup.missingSettings.isEmpty
        }
        if case .webhook? = catalogue.capability(of: integration.provider) {
            drawer.isWebhook = true
            if session.role == .manager {
                drawer.secret = try? await service.signingSecret(workspaceID: session.workspaceId, id: integration.id).secret
                drawer.secretHint = drawer.secret.map { String($0.prefix(10)) + "…" }
            }
        }
        if let tester = catalogue.provider(integration.provider, as: (any SendsTests).self) {
            drawer.testTypes = tester.testTypes.map { OptionView(value: $0, label: SchemaForm.words($0), selected: false) }
            drawer.hasTestTypes = !drawer.testTypes.isEmpty
        }
        let counts = try await store.deliveryCounts(integrationID: integration.id)
        drawer.deliveries = DeliveryStatus.allCases.map { DeliveryCount(status: $0.rawValue, count: counts[$0] ?? 0) }
        return drawer
    }

    // MARK: Helpers

    /// The signed-in session (the session middleware guarantees one).
    func session(_ context: SwitchboardRequestContext) throws -> WebSession {
        guard let session = context.webSession else { throw HTTPError(.unauthorized) }
        return session
    }

    /// The integration of the path's `:id` in the session's workspace, or nil.
    func integration(_ context: SwitchboardRequestContext) async throws -> Integration? {
        try await store.integration(workspaceID: try session(context).workspaceId, id: try context.parameters.require("id"))
    }

    func notFound() -> Response {
        pages.message(
            status: .notFound,
            title: "No such integration",
            text: "It may have been deleted, or it belongs to another workspace.",
            back: "/settings/integrations"
        )
    }

    /// A category's name for addresses: `CRM & Email Providers` → `crm-email-providers`.
    static func slug(_ name: String) -> String {
        name.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: "-")
    }
}
