import Foundation
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@testable import SwitchboardEngine

/// The operator's key: the key file beside a SQLite database, and moving stored secrets to a new key.
@Suite("Secret key and re-sealing")
struct SecretKeyTests {
    func scratch() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-key-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a missing key file is made once; later starts read the same key")
    func madeThenRead() throws {
        let path = try scratch() + "/switchboard.db.key"
        let first = try SecretKeyFile(path: path).readOrCreate()
        #expect(first.created)
        let second = try SecretKeyFile(path: path).readOrCreate()
        #expect(second == (first.encodedKey, false))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("a key file that exists but cannot be read, or holds no key, stops start-up and is left as it was")
    func neverReplaced() throws {
        let directory = try scratch()
        // A directory in the file's place cannot be read, even by root (the tests may run as root, for whom no mode bars reading).
        let unreadable = directory + "/unreadable.key"
        try FileManager.default.createDirectory(atPath: unreadable, withIntermediateDirectories: false)
        let garbage = directory + "/garbage.key"
        try Data("not a key".utf8).write(to: URL(filePath: garbage))
        for (path, words) in [(unreadable, "cannot be read"), (garbage, "does not hold a key")] {
            #expect {
                try SecretKeyFile(path: path).readOrCreate()
            } throws: { error in
                String(describing: error).contains(words) && String(describing: error).contains("not replaced")
            }
        }
        #expect(try String(contentsOfFile: garbage, encoding: .utf8) == "not a key")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: unreadable, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test("processes starting at once agree on one key")
    func concurrentStarts() async throws {
        let path = try scratch() + "/switchboard.db.key"
        let keys = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for _ in 0..<16 {
                group.addTask { try SecretKeyFile(path: path).readOrCreate() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(keys.map(\.0)).count == 1, "one key for all")
        #expect(keys.filter(\.1).count == 1, "made by exactly one")
        let files = try FileManager.default.contentsOfDirectory(atPath: URL(filePath: path).deletingLastPathComponent().path)
        #expect(files == ["switchboard.db.key"], "no temporary files left")
    }

    @Test("rotating moves every secret to the new key; a credential copied into another row opens nowhere", arguments: StoreEngine.allCases)
    func resealing(engine: StoreEngine) async throws {
        try await withEngine(engine) { harness in
            let store = harness.store
            let hook = try await harness.webhook(url: "https://93.184.216.34/a")
            let other = try await harness.webhook(url: "https://93.184.216.34/b")
            _ = try await harness.integrations.rotateSigningSecret(workspaceID: harness.workspace.id, id: hook.id)
            let (plain, _) = try await harness.integrations.signingSecret(workspaceID: harness.workspace.id, id: hook.id)
            let newKey = SecretBox.generateEncodedKey()
            let rotating = try SecretBox(encodedKey: newKey, previousEncodedKeys: [harness.secretsEncodedKey])

            let report = try await SecretResealing(store: store, secrets: rotating).run()
            #expect(report == SecretResealing.Report(resealed: 3, current: 0, unreadable: []), "two current secrets and one previous")
            #expect(try await SecretResealing(store: store, secrets: rotating).run().resealed == 0, "a second pass finds nothing to do")
            let newOnly = try SecretBox(encodedKey: newKey)
            let stored = try #require(try await store.integration(workspaceID: harness.workspace.id, id: hook.id))
            #expect(try newOnly.open(try #require(stored.signingSecret), for: stored.signingSecretBinding) == plain)

            // A value moved into another integration's row does not open there, and the pass says so.
            let values = try await store.sealedValues(after: nil, limit: 10)
            let (from, to) = try (#require(values.first { $0.integrationID == hook.id }), #require(values.first { $0.integrationID == other.id }))
            var moved = to
            moved.signingSecret = from.signingSecret
            #expect(try await store.replaceSealedValues(to, with: moved))
            let afterMove = try await SecretResealing(store: store, secrets: newOnly).run()
            #expect(afterMove.unreadable == [other.id])
            let tampered = try #require(try await store.integration(workspaceID: harness.workspace.id, id: other.id))
            #expect(throws: SecretBox.Failure.self) { try newOnly.open(try #require(tampered.signingSecret), for: tampered.signingSecretBinding) }
        }
    }
}
