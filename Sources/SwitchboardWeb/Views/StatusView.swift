import SwitchboardDomain
import SwitchboardStore

/// An integration's status as people read it: the badge, the sentence, and the one action that fixes it.
struct StatusView: Sendable {
    var badge: String
    /// The badge's style (`badge-active`, `badge-paused`…).
    var tone: String
    var detail: String?
    var fix: FixAction?

    /// The action that fixes a state: a link within the manage page, or a form posted to an action.
    struct FixAction: Sendable {
        var label: String
        /// Where the link goes; nil when the action is a post (`postTo`). (Names no enclosing view uses: mustache
        /// looks a missing name up in the enclosing views.)
        var linkTo: String? = nil
        var postTo: String? = nil
    }

    init(_ integration: Integration) {
        let page = "/settings/integrations/\(integration.id)"
        detail = integration.statusDetail
        switch integration.status {
        case .active:
            (badge, tone) = ("Active", "active")
        case .setupIncomplete:
            (badge, tone) = ("Setup incomplete", "setup")
            fix = FixAction(label: "Complete setup", linkTo: page + "#setup")
        case .failedSync:
            (badge, tone) = ("Failed sync", "failed")
            fix = FixAction(label: "See the failed deliveries", linkTo: page + "#deliveries")
        case .paused:
            (badge, tone) = ("Paused", "paused")
            switch integration.pauseReason {
            case .manual?, nil: fix = FixAction(label: "Resume", postTo: page + "/resume")
            case .expiredCredentials?: fix = FixAction(label: "Reconnect", linkTo: page + "#credentials")
            case .missingPermissions?: fix = FixAction(label: "Reconnect with the permissions", linkTo: page + "#credentials")
            case .listNotFound?: fix = FixAction(label: "Choose another list", linkTo: page + "#settings")
            case .channelUnavailable?: fix = FixAction(label: "Choose another channel", linkTo: page + "#settings")
            case .endpointFailing?: fix = FixAction(label: "Check the endpoint, then resume", linkTo: page + "#actions")
            }
        }
    }
}
