import Foundation

extension WebDriver {
    /// Signs in with an API key through the sign-in form, as a person pasting their key would.
    func signIn(at base: String, apiKey: String) async throws {
        try await open("\(base)/sign-in")
        try await type(apiKey, into: "#api-key")
        try await click("button[type=submit]")
        try await waitForURL(containing: "/settings/integrations", timeout: .seconds(60))
    }

    /// Signs in with a one-time link: open it, press Continue.
    func signIn(link: String) async throws {
        try await open(link)
        // The link page's own button, which names where it leads.
        try await click(try await find("button[type=submit]", containing: "Continue to"))
        // The first browser test starts with every other suite: the whole run's busiest minute.
        try await waitForURL(containing: "/settings/integrations", timeout: .seconds(60))
    }

    /// Ticks the checkbox of `name` whose value is `value`.
    func tick(_ name: String, _ value: String) async throws {
        try await click("input[type=checkbox][name='\(name)'][value='\(value)']")
    }
}
