import Foundation
import SwitchboardDomain
import SwitchboardTestSupport
import Testing

/// The operator's commands, run as the real `switchboard` executable.
@Suite("Operator commands")
struct OperatorCommandTests {
    func scratch() throws -> URL {
        let directory = URL(filePath: ScratchDirectory.path).appending(path: "operator-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("workspace key issues another key for an existing workspace, once; an unknown workspace is an error")
    func workspaceKey() async throws {
        let binary = try SwitchboardBinary.path()
        let database = "SWITCHBOARD_DATABASE_URL=sqlite://\(try scratch().appending(path: "ops.db").path)"
        func json(_ output: String) throws -> JSONValue { try JSONValue(json: (output.split(separator: "\n").last.map(String.init) ?? "").utf8) }
        let created = try await spawnAndWaitOffPool(["/usr/bin/env", database, binary, "workspace", "create", "--name", "Acme", "--json"])
        #expect(created.status == 0, "\(created.output)")
        let workspace = try #require(try json(created.output)["workspace_id"]?.stringValue)
        let first = try #require(try json(created.output)["api_key"]?.stringValue)

        let issued = try await spawnAndWaitOffPool(["/usr/bin/env", database, binary, "workspace", "key", "--workspace", workspace, "--json"])
        #expect(issued.status == 0, "\(issued.output)")
        let key = try #require(try json(issued.output)["api_key"]?.stringValue)
        #expect(key.hasPrefix("sb_mgr_") && key != first)
        #expect(try json(issued.output)["workspace_id"] == .string(workspace))

        let member = try await spawnAndWaitOffPool([
            "/usr/bin/env", database, binary, "workspace", "key", "--workspace", workspace, "--role", "member", "--json",
        ])
        #expect(try json(member.output)["api_key"]?.stringValue?.hasPrefix("sb_mem_") == true, "\(member.output)")

        let unknown = try await spawnAndWaitOffPool(["/usr/bin/env", database, binary, "workspace", "key", "--workspace", "wsp_nope"])
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("no workspace wsp_nope"), "\(unknown.output)")
    }

    @Test("a key file that exists but cannot be read stops serve at start-up with what to do", .timeLimit(.minutes(1)))
    func unreadableKeyFile() async throws {
        let binary = try SwitchboardBinary.path()
        let path = try scratch().appending(path: "ops.db").path
        // A directory where the key file should be: unreadable as a file, even for root.
        try FileManager.default.createDirectory(atPath: path + ".key", withIntermediateDirectories: false)
        let started = try await spawnAndWaitOffPool([
            "/usr/bin/env", "SWITCHBOARD_DATABASE_URL=sqlite://\(path)", binary, "serve", "--port", String(TestPorts.unused()),
        ])
        #expect(started.status != 0)
        #expect(started.output.contains("exists but cannot be read") && started.output.contains("not replaced"), "\(started.output)")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path + ".key", isDirectory: &isDirectory) && isDirectory.boolValue, "left as it was")
    }
}
