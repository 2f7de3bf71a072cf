import Foundation
import Testing

@Suite("The documentation stands on its own")
struct DocumentationLinkTests {
    static let repository = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .standardizedFileURL

    /// README.md, CHANGELOG.md and every Markdown file under docs/.
    static func pages() throws -> [URL] {
        var pages = ["README.md", "CHANGELOG.md", "BENCHMARKS.md"].map { repository.appending(path: $0) }
        let docs = repository.appending(path: "docs")
        let walker = FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil)
        while let file = walker?.nextObject() as? URL {
            if file.pathExtension == "md" { pages.append(file) }
        }
        return pages
    }

    @Test("every relative link in README.md and docs/ names a file inside the repository that exists")
    func relativeLinksResolve() throws {
        let pages = try Self.pages()
        #expect(pages.count >= 8)
        var checked = 0
        for page in pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            for match in text.matches(of: /\]\(([^)\s]+)\)/) {
                let target = String(match.1)
                if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:") || target.hasPrefix("#") { continue }
                let path = String(target.split(separator: "#", maxSplits: 1).first ?? "")
                let resolved = page.deletingLastPathComponent().appending(path: path).standardizedFileURL
                #expect(resolved.path.hasPrefix(Self.repository.path + "/"), "\(page.lastPathComponent) links outside the repository: \(target)")
                #expect(FileManager.default.fileExists(atPath: resolved.path), "\(page.lastPathComponent) links to a missing file: \(target)")
                checked += 1
            }
        }
        #expect(checked >= 20)
    }

    @Test("no page sends readers to files outside the repository")
    func nothingOutside() throws {
        for page in try Self.pages() {
            let text = try String(contentsOf: page, encoding: .utf8)
            #expect(!text.contains("../shared") && !text.contains("shared folder") && !text.contains("SPEC.md"), "\(page.lastPathComponent)")
        }
    }
}
