import Foundation

/// A directory for this test process's databases and logs, deleted when the process exits.
///
/// Each store test opens a fresh database: left in the temporary directory, they piled up by the thousand on a
/// machine that runs the suite often (4,770 files found after a day of runs).
public enum ScratchDirectory {
    /// Created on first use.
    public static let path: String = {
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-tests-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ScratchDirectory.path) }
        return directory
    }()

    /// A path for a new file named `name-<uuid>.<ext>` in the directory.
    public static func file(_ name: String, extension ext: String) -> String {
        "\(path)/\(name)-\(UUID().uuidString).\(ext)"
    }
}
