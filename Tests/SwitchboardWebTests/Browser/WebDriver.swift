import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardDomain
import SwitchboardTestSupport

/// A W3C WebDriver session in headless Chromium, driven over HTTP through Debian's `chromedriver`
/// (https://www.w3.org/TR/webdriver2/): what a person does in the browser — open a page, type, press keys, click —
/// and what they see.
final class WebDriver: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// An element of the page, by its WebDriver reference.
    struct Element: Sendable {
        let id: String
    }

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
    let driver: BackgroundProcess
    let base: String
    let session: String
    let client: HTTPClient

    private init(driver: BackgroundProcess, base: String, session: String, client: HTTPClient) {
        self.driver = driver
        self.base = base
        self.session = session
        self.client = client
    }

    /// Starts chromedriver and a headless Chromium of `width`×`height` (a phone's screen and touch when `phone`), runs
    /// `body`, and ends both.
    static func withBrowser<R: Sendable>(
        width: Int = 1280,
        height: Int = 900,
        phone: Bool = false,
        _ body: (WebDriver) async throws -> R
    ) async throws -> R {
        let chromedriver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromedriver else {
            throw Failure(description: "chromedriver is missing: apt-get install chromium chromium-driver (.ci/run installs them)")
        }
        let port = TestPorts.unused()
        let log = FileManager.default.temporaryDirectory.appending(path: "chromedriver-\(port).log").path
        let driver = try BackgroundProcess([chromedriver, "--port=\(port)"], environment: [:], logPath: log)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let base = "http://127.0.0.1:\(port)"
        do {
            try await waitForDriver(client: client, base: base)
            let profile = FileManager.default.temporaryDirectory.appending(path: "chromium-\(UUID().uuidString.prefix(8))").path
            var options: [String: JSONValue] = [
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                    .string("--window-size=\(width),\(height)"), .string("--user-data-dir=\(profile)"),
                ],
            ]
            if phone {
                // A desktop window cannot be narrower than 500 px; a phone's screen is emulated instead.
                options["mobileEmulation"] = [
                    "deviceMetrics": ["width": .number(Double(width)), "height": .number(Double(height)), "pixelRatio": 2, "touch": true]
                ]
            }
            let capabilities: JSONValue = ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": .object(options)]]]
            let created = try await send(client: client, .POST, "\(base)/session", capabilities)
            guard let session = created["sessionId"]?.stringValue else { throw Failure(description: "no WebDriver session: \(created)") }
            let browser = WebDriver(driver: driver, base: base, session: session, client: client)
            do {
                let result = try await body(browser)
                _ = try? await send(client: client, .DELETE, "\(base)/session/\(session)", nil)
                await driver.stopOffPool()
                try await client.shutdown()
                return result
            } catch {
                _ = try? await send(client: client, .DELETE, "\(base)/session/\(session)", nil)
                throw error
            }
        } catch {
            await driver.stopOffPool()
            try? await client.shutdown()
            throw error
        }
    }

    private static func waitForDriver(client: HTTPClient, base: String) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let status = try? await send(client: client, .GET, "\(base)/status", nil), status["ready"] == .bool(true) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "chromedriver did not start")
    }

    /// One WebDriver command; its `value`, or the error WebDriver answered.
    @discardableResult
    private static func send(client: HTTPClient, _ method: HTTPMethod, _ url: String, _ body: JSONValue?) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let json = (try? JSONValue(json: bytes.readableBytesView)) ?? .null
        let value = json["value"] ?? .null
        guard response.status == .ok else {
            throw Failure(description: "WebDriver \(method) \(url): \(value["error"]?.stringValue ?? "") \(value["message"]?.stringValue ?? "")")
        }
        return value
    }

    @discardableResult
    private func command(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await Self.send(client: client, method, "\(base)/session/\(session)\(path)", body ?? (method == .POST ? [:] : nil))
    }

    // MARK: What a person does

    func open(_ url: String) async throws { try await command(.POST, "/url", ["url": .string(url)]) }
    func currentURL() async throws -> String { try await command(.GET, "/url").stringValue ?? "" }
    func title() async throws -> String { try await command(.GET, "/title").stringValue ?? "" }
    func source() async throws -> String { try await command(.GET, "/source").stringValue ?? "" }
    func resize(width: Int, height: Int) async throws {
        try await command(.POST, "/window/rect", ["width": .number(Double(width)), "height": .number(Double(height))])
    }

    /// The first element matching a CSS selector, waiting up to `timeout` for it to appear.
    func find(_ selector: String, timeout: Duration = .seconds(30)) async throws -> Element {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = try? await command(.POST, "/element", ["using": "css selector", "value": .string(selector)]),
                let id = found[Self.elementKey]?.stringValue
            {
                return Element(id: id)
            }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "no element \(selector) on \(try await currentURL())")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Every element matching a CSS selector now.
    func findAll(_ selector: String) async throws -> [Element] {
        let found = try await command(.POST, "/elements", ["using": "css selector", "value": .string(selector)])
        return (found.arrayValue ?? []).compactMap { $0[Self.elementKey]?.stringValue }.map(Element.init)
    }

    /// The first element of `selector` whose text contains `text`.
    func find(_ selector: String, containing text: String, timeout: Duration = .seconds(30)) async throws -> Element {
        let deadline = ContinuousClock.now + timeout
        while true {
            for element in try await findAll(selector) where try await self.text(element).contains(text) { return element }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "no \(selector) containing “\(text)” on \(try await currentURL())")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func click(_ element: Element) async throws { try await command(.POST, "/element/\(element.id)/click") }
    func click(_ selector: String) async throws { try await click(try await find(selector)) }
    func type(_ text: String, into element: Element) async throws {
        try await command(.POST, "/element/\(element.id)/value", ["text": .string(text)])
    }
    func type(_ text: String, into selector: String) async throws { try await type(text, into: try await find(selector)) }
    func clear(_ selector: String) async throws { try await command(.POST, "/element/\(try await find(selector).id)/clear") }
    func text(_ element: Element) async throws -> String { try await command(.GET, "/element/\(element.id)/text").stringValue ?? "" }
    func text(_ selector: String) async throws -> String { try await text(try await find(selector)) }
    func attribute(_ name: String, of element: Element) async throws -> String? {
        try await command(.GET, "/element/\(element.id)/attribute/\(name)").stringValue
    }
    func property(_ name: String, of element: Element) async throws -> JSONValue {
        try await command(.GET, "/element/\(element.id)/property/\(name)")
    }

    /// Keys typed into whatever has focus (`Key.tab`, `Key.enter`…), as a keyboard-only person does.
    func press(_ keys: String) async throws {
        let active = try await command(.GET, "/element/active")
        guard let id = active[Self.elementKey]?.stringValue else { throw Failure(description: "nothing has focus") }
        try await type(keys, into: Element(id: id))
    }

    /// The element that has focus.
    func focused() async throws -> Element {
        let active = try await command(.GET, "/element/active")
        guard let id = active[Self.elementKey]?.stringValue else { throw Failure(description: "nothing has focus") }
        return Element(id: id)
    }

    /// Runs a script in the page and returns its value.
    @discardableResult
    func run(_ script: String, _ arguments: [JSONValue] = []) async throws -> JSONValue {
        try await command(.POST, "/execute/sync", ["script": .string(script), "args": .array(arguments)])
    }

    /// Runs a script that calls its last argument (a callback) with the result.
    func runAsync(_ script: String, _ arguments: [JSONValue] = []) async throws -> JSONValue {
        try await command(.POST, "/execute/async", ["script": .string(script), "args": .array(arguments)])
    }

    /// The browser's cookies for the current page, as WebDriver reports them (name, value, httpOnly, sameSite…).
    func cookies() async throws -> [JSONValue] {
        try await command(.GET, "/cookie").arrayValue ?? []
    }

    /// Grants the page a permission (`clipboard-read`…), as a person answering the browser's prompt would
    /// (WebDriver's permissions extension, https://www.w3.org/TR/permissions/#automation).
    func grant(_ permission: String) async throws {
        try await command(.POST, "/permissions", ["descriptor": ["name": .string(permission)], "state": "granted"])
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        Data(base64Encoded: try await command(.GET, "/screenshot").stringValue ?? "") ?? Data()
    }

    /// Waits until the text of `selector` is `text` (a progress figure reaching its end).
    func waitForText(_ selector: String, _ text: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while (try? await self.text(selector)) != text {
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "\(selector) stayed “\(try await self.text(selector))”, not “\(text)”")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Waits until the attribute `name` of `selector` is `value`, reading it afresh each time (the page may be replaced
    /// meanwhile, as after a form post that lands on the same address).
    func waitForAttribute(_ selector: String, _ name: String, _ value: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let element = try? await find(selector, timeout: .zero), (try? await attribute(name, of: element)) == value { return }
            guard ContinuousClock.now < deadline else { throw Failure(description: "\(selector)'s \(name) never became “\(value)”") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until the page's address contains `part`.
    func waitForURL(containing part: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !currentURL().contains(part) {
            guard ContinuousClock.now < deadline else {
                let page = (try? await run("return document.readyState + ' | ' + document.documentElement.outerHTML").stringValue) ?? ""
                throw Failure(description: "the address stayed \(try await currentURL()), not …\(part)…; the page: \(page.prefix(1500))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// WebDriver's codes of special keys.
    enum Key {
        static let tab = "\u{E004}"
        static let enter = "\u{E007}"
        static let space = "\u{E00D}"
        static let escape = "\u{E00C}"
        static let shift = "\u{E008}"
    }
}
