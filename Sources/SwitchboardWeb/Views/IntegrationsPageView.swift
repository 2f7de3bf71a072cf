/// Settings > Integrations (`integrations.mustache`): the connected integrations by category, and over them the
/// Add Integration or Manage Integration drawer when one is open.
struct IntegrationsPageView: Sendable {
    let chrome: Chrome
    let categories: [CategoryView]
    let addDrawer: AddDrawerView?
    let manageDrawer: ManageDrawerView?
    let isEmpty: Bool
    /// Whether a drawer is open (the list behind it is then inert).
    let drawerOpen: Bool

    init(chrome: Chrome, categories: [CategoryView], addDrawer: AddDrawerView?, manageDrawer: ManageDrawerView?) {
        self.chrome = chrome
        self.categories = categories
        self.addDrawer = addDrawer
        self.manageDrawer = manageDrawer
        self.isEmpty = categories.allSatisfy(\.integrations.isEmpty)
        self.drawerOpen = addDrawer != nil || manageDrawer != nil
    }
}

/// One category of providers and the workspace's integrations in it.
struct CategoryView: Sendable {
    var name: String
    var slug: String
    var integrations: [CardView]
    var hasIntegrations: Bool
    /// The providers of the category, for its empty state ("connect HubSpot…").
    var providerNames: String
}

/// A connected integration's card.
struct CardView: Sendable {
    var id: String
    var label: String
    var providerName: String
    var status: StatusView
    var href: String
}
