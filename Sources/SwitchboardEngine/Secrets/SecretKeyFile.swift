import Foundation
import SwitchboardDomain

#if canImport(Glibc)
import Glibc
#endif

/// The key file beside a SQLite database, for operators who set no `SWITCHBOARD_SECRET_KEY`: read when it exists,
/// made when it does not.
///
/// Every sealed credential and signing secret depends on this key, so a file that exists but cannot be read or does
/// not hold a key stops start-up: it is never replaced. A new file is written whole under a temporary name and
/// linked into place, which fails if another process linked its own first; then that one is read, so processes
/// starting together agree on one key.
public struct SecretKeyFile: Sendable {
    /// Why no key came from the file.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The key in the file, made first if there is no file; `created` says which.
    public func readOrCreate() throws(Failure) -> (encodedKey: String, created: Bool) {
        var status = stat()
        if stat(path, &status) == 0 { return (try read(), false) }
        guard errno == ENOENT else { throw Failure(description: "cannot look at the key file \(path): \(Self.lastError)") }
        let key = SecretBox.generateEncodedKey()
        let temporary = path + ".\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot write the key file \(path) (\(Self.lastError)); set SWITCHBOARD_SECRET_KEY instead")
        }
        defer { unlink(temporary) }
        let bytes = Array(key.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else { throw Failure(description: "cannot write the key file \(path): \(Self.lastError)") }
        if link(temporary, path) == 0 { return (key, true) }
        guard errno == EEXIST else { throw Failure(description: "cannot create the key file \(path): \(Self.lastError)") }
        return (try read(), false)
    }

    private func read() throws(Failure) -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(
                description: "the key file \(path) exists but cannot be read (\(error.localizedDescription)). Every sealed credential "
                    + "depends on it, so it is not replaced: fix its permissions, or set SWITCHBOARD_SECRET_KEY to the key it holds"
            )
        }
        guard (try? SecretBox(encodedKey: text)) != nil else {
            throw Failure(
                description: "the key file \(path) does not hold a key (32 bytes as base64 or 64 hex characters). Every sealed "
                    + "credential depends on it, so it is not replaced: restore it from a backup, or set SWITCHBOARD_SECRET_KEY"
            )
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}
