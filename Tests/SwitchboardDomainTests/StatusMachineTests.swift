import Foundation
import SwitchboardDomain
import Testing

/// Every transition of SPEC §2, cell by cell: from each status, each thing that can happen.
@Suite("Status machine")
struct StatusMachineTests {
    enum Start: CaseIterable, CustomTestStringConvertible {
        case setupIncomplete, active, failedSync, pausedManually, pausedAutomatically

        var health: IntegrationHealth {
            switch self {
            case .setupIncomplete: IntegrationHealth(status: .setupIncomplete)
            case .active: .active
            case .failedSync: IntegrationHealth(status: .failedSync, statusDetail: "HTTP 500")
            case .pausedManually: IntegrationHealth(status: .paused, pauseReason: .manual)
            case .pausedAutomatically: IntegrationHealth(status: .paused, pauseReason: .listNotFound)
            }
        }
        var testDescription: String { "\(self)" }
    }

    enum Event: CaseIterable, CustomTestStringConvertible {
        case syncSucceeded, syncFailed, pausedByManager, resumed, setupFinished, setupStillMissingAList, credentialsRejected

        func apply(to health: inout IntegrationHealth) {
            switch self {
            case .syncSucceeded: health.recordSuccess()
            case .syncFailed: health.recordFailure("HubSpot answered 502")
            case .pausedByManager: health.pause(.manual)
            case .resumed: health.resume()
            case .setupFinished: health.updateSetup(SetupProgress(authorized: true, finished: true), providerName: "HubSpot")
            case .setupStillMissingAList:
                health.updateSetup(SetupProgress(authorized: true, missingSettings: ["a list"], finished: true), providerName: "HubSpot")
            case .credentialsRejected:
                health.validationFailed(.expiredCredentials("the token was revoked"), providerName: "HubSpot", provider: "hubspot")
            }
        }
        var testDescription: String { "\(self)" }
    }

    /// The expected status (and pause reason) after each event, per start. `nil` reason means not paused.
    static let expected: [Start: [Event: (IntegrationStatus, PauseReason?)]] = [
        .setupIncomplete: [
            .syncSucceeded: (.setupIncomplete, nil), .syncFailed: (.setupIncomplete, nil), .pausedByManager: (.setupIncomplete, nil),
            .resumed: (.setupIncomplete, nil), .setupFinished: (.active, nil), .setupStillMissingAList: (.setupIncomplete, nil),
            .credentialsRejected: (.setupIncomplete, nil),
        ],
        .active: [
            .syncSucceeded: (.active, nil), .syncFailed: (.failedSync, nil), .pausedByManager: (.paused, .manual), .resumed: (.active, nil),
            .setupFinished: (.active, nil), .setupStillMissingAList: (.active, nil), .credentialsRejected: (.paused, .expiredCredentials),
        ],
        .failedSync: [
            .syncSucceeded: (.active, nil), .syncFailed: (.failedSync, nil), .pausedByManager: (.paused, .manual),
            .resumed: (.failedSync, nil), .setupFinished: (.failedSync, nil), .setupStillMissingAList: (.failedSync, nil),
            .credentialsRejected: (.paused, .expiredCredentials),
        ],
        .pausedManually: [
            .syncSucceeded: (.paused, .manual), .syncFailed: (.paused, .manual), .pausedByManager: (.paused, .manual),
            .resumed: (.active, nil), .setupFinished: (.paused, .manual), .setupStillMissingAList: (.paused, .manual),
            .credentialsRejected: (.paused, .expiredCredentials),
        ],
        .pausedAutomatically: [
            .syncSucceeded: (.paused, .listNotFound), .syncFailed: (.paused, .listNotFound), .pausedByManager: (.paused, .listNotFound),
            .resumed: (.active, nil), .setupFinished: (.paused, .listNotFound), .setupStillMissingAList: (.paused, .listNotFound),
            .credentialsRejected: (.paused, .expiredCredentials),
        ],
    ]

    @Test("each status answers each event as SPEC §2 says", arguments: Start.allCases, Event.allCases)
    func transition(start: Start, event: Event) throws {
        var health = start.health
        event.apply(to: &health)
        let (status, reason) = try #require(Self.expected[start]?[event])
        #expect(health.status == status)
        #expect(health.pauseReason == reason)
        #expect((health.statusDetail == nil) == (status == .active), "every status but active says what to do")
    }

    @Test("an unfinished setup says which steps are left")
    func setupDetail() {
        var health = IntegrationHealth(status: .setupIncomplete)
        health.updateSetup(SetupProgress(authorized: false, missingSettings: ["a list", "the custom fields"]), providerName: "Mailchimp")
        #expect(health.statusDetail == "Setup is not finished: connect Mailchimp, choose a list, choose the custom fields, press Finish.")
    }

    @Test("a validation failure pauses with its reason and links the provider's troubleshooting section")
    func validationDetail() {
        var health = IntegrationHealth.active
        health.validationFailed(.missingPermissions(scopes: ["crm.lists.write"]), providerName: "HubSpot", provider: "hubspot")
        #expect(health.pauseReason == .missingPermissions)
        #expect(health.statusDetail?.contains("crm.lists.write") == true)
        #expect(health.statusDetail?.hasSuffix("See docs/providers/hubspot.md#missing-permissions") == true)
        health.validationFailed(.listNotFound(name: "Webinar leads"), providerName: "HubSpot", provider: "hubspot")
        #expect(health.pauseReason == .listNotFound)
        #expect(health.statusDetail?.hasSuffix("See docs/providers/hubspot.md#list-not-found") == true)
    }
}

@Suite("Troubleshooting links")
struct TroubleshootingLinkTests {
    static let failures: [ValidationFailure] = [
        .expiredCredentials("revoked"), .missingPermissions(scopes: ["x"]), .listNotFound(name: "Leads"),
    ]

    @Test("every status_detail link points at a section of the provider's troubleshooting guide", arguments: ["hubspot", "mailchimp"])
    func linksResolve(provider: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let guide = try String(contentsOf: root.appending(path: "docs/providers/\(provider).md"), encoding: .utf8)
        for failure in Self.failures {
            let detail = failure.detail(providerName: provider, provider: provider)
            let anchor = try #require(detail.split(separator: "#").last.map(String.init))
            #expect(detail.contains("docs/providers/\(provider).md#"))
            #expect(guide.contains("\n### \(anchor)\n"), "docs/providers/\(provider).md lacks the section \(anchor)")
        }
    }
}
