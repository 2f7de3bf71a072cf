import SwitchboardStore

/// What every signed-in page shows around its content (`layout.mustache`): the workspace, the sidebar, the
/// notifications bell, who is signed in, and the CSRF token every form carries.
struct Chrome: Sendable {
    var title: String
    var workspaceName: String
    var isManager: Bool
    var roleName: String
    var unreadNotifications: Int
    var csrf: String
    /// A one-line message after an action ("Integration paused."), shown once.
    var flash: String?
    /// Which sidebar entry is current.
    var integrationsCurrent = true
    var notificationsCurrent = false
    var hasUnread: Bool
    /// A drawer is open over the page: the rest of the page is inert (keyboard and screen reader stay in the drawer),
    /// and the message after an action shows inside the drawer.
    var drawerOpen = false
    /// The `?v=` of the stylesheet and script links.
    let assets = Assets.version
}
