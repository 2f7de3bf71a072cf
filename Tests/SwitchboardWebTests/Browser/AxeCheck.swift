import Foundation
import SwitchboardDomain
import SwitchboardTestSupport

/// axe-core, the accessibility checker, run in the page: the copy that PyPI's `axe-selenium-python` ships (installed by
/// `.ci/run`), found through Python so that no JavaScript is committed here.
enum AxeCheck {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The source of axe.min.js.
    static func source() async throws -> String {
        let (status, output) = try await spawnAndWaitOffPool([
            "/usr/bin/env", "python3", "-c",
            "import axe_selenium_python, os; print(os.path.join(os.path.dirname(axe_selenium_python.__file__), 'node_modules', 'axe-core', 'axe.min.js'))",
        ])
        let path = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init) ?? ""
        guard status == 0, let script = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Missing(description: "axe-core is missing: python3 -m pip install axe-selenium-python (.ci/run installs it)")
        }
        return script
    }

    /// The serious and critical violations axe finds on the page now: rule, impact, and the first offending element.
    static func seriousViolations(in browser: WebDriver, axe: String) async throws -> [String] {
        try await browser.run(axe + "\n;return true;")
        let violations = try await browser.runAsync(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ["violations"]}).then(
                result => done(result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    target: v.nodes.length ? String(v.nodes[0].target) : ""}))),
                error => done([{id: "axe-error", impact: "critical", help: String(error), target: ""}]));
            """
        )
        return (violations.arrayValue ?? []).filter { ["serious", "critical"].contains($0["impact"]?.stringValue ?? "") }.map {
            "\($0["id"]?.stringValue ?? "?") (\($0["impact"]?.stringValue ?? "")): \($0["help"]?.stringValue ?? "") at \($0["target"]?.stringValue ?? "")"
        }
    }
}
