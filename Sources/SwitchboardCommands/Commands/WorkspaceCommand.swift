import ArgumentParser
import Foundation
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore

/// `switchboard workspace …`: tenant administration for the operator.
struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Manage workspaces.",
        subcommands: [Create.self, Key.self, SignInLink.self]
    )

    /// `switchboard workspace create --name …`: prints the workspace id and a manager API key, once.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a workspace and its first manager API key.")

        @OptionGroup var shared: SharedOptions

        @Option(help: "The workspace's name.")
        var name: String

        @Option(help: "The email of the manager holding the key: notifications are emailed there (with SWITCHBOARD_SMTP_URL).")
        var email: String?

        @Flag(help: "Print {\"workspace_id\": …, \"api_key\": …} as JSON.")
        var json = false

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name must not be empty") }
            if let email, !EmailAddress.isMailbox(email) {
                throw ValidationError("--email must be an email address")
            }
        }

        func run() async throws {
            var logger = shared.logger()
            logger.logLevel = max(logger.logLevel, .warning)
            let database = try await Database.open(try shared.database(), logger: logger)
            let (workspace, key): (Workspace, String) = try await database.whileRunning {
                try await Migrator(database: database).migrate(logger: logger)
                return try await Store(database: database).createWorkspace(
                    name: name,
                    managerKeyLabel: "created by workspace create",
                    managerEmail: email
                )
            }
            if json {
                let output = try JSONSerialization.data(withJSONObject: ["workspace_id": workspace.id, "api_key": key], options: [.sortedKeys])
                print(String(decoding: output, as: UTF8.self))
            } else {
                print("Workspace: \(workspace.id) (\(workspace.name))")
                print("Manager API key (shown once, keep it safe): \(key)")
            }
        }
    }

    /// `switchboard workspace key --workspace …`: a new API key for an existing workspace, printed once — the way
    /// back in when every manager key was lost.
    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue an API key for an existing workspace (recovery).")

        @OptionGroup var shared: SharedOptions

        @Option(help: "The workspace's id (wsp_…).")
        var workspace: String

        @Option(help: "manager (may change integrations) or member (read only).")
        var role: String = "manager"

        @Option(help: "A label for the key, shown in GET /v1/api-keys.")
        var label = "issued by workspace key"

        @Option(help: "The email of the manager holding the key: notifications are emailed there (with SWITCHBOARD_SMTP_URL).")
        var email: String?

        @Flag(help: "Print {\"workspace_id\": …, \"api_key\": …} as JSON.")
        var json = false

        func validate() throws {
            guard let role = APIKeyRole(rawValue: role) else { throw ValidationError("--role must be manager or member") }
            if let email {
                guard EmailAddress.isMailbox(email) else { throw ValidationError("--email must be an email address") }
                guard role == .manager else { throw ValidationError("--email is for manager keys: only managers receive notifications") }
            }
        }

        func run() async throws {
            var logger = shared.logger()
            logger.logLevel = max(logger.logLevel, .warning)
            let database = try await Database.open(try shared.database(), logger: logger)
            let (workspaceID, role, label, email) = (workspace, APIKeyRole(rawValue: role) ?? .manager, label, email)
            let key: String = try await database.whileRunning {
                try await Migrator(database: database).migrate(logger: logger)
                let store = Store(database: database)
                guard try await store.workspace(id: workspaceID) != nil else {
                    throw ValidationError("no workspace \(workspaceID) in this database")
                }
                return try await store.createAPIKey(workspaceID: workspaceID, role: role, label: label, email: email).1
            }
            if json {
                let output = try JSONSerialization.data(withJSONObject: ["workspace_id": workspaceID, "api_key": key], options: [.sortedKeys])
                print(String(decoding: output, as: UTF8.self))
            } else {
                print("\(role.rawValue.capitalized) API key for \(workspaceID) (shown once, keep it safe): \(key)")
            }
        }
    }

    /// `switchboard workspace sign-in-link --workspace …`: a one-time link to the web UI, for a person the operator
    /// lets in without handing them an API key.
    struct SignInLink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-in-link",
            abstract: "Print a one-time link that signs a browser in to a workspace's web UI (valid for an hour, once)."
        )

        @OptionGroup var shared: SharedOptions

        @Option(help: "The workspace's id (wsp_…).")
        var workspace: String

        @Option(help: "manager (may change integrations) or member (read only).")
        var role: String = "manager"

        func validate() throws {
            guard APIKeyRole(rawValue: role) != nil else { throw ValidationError("--role must be manager or member") }
        }

        func run() async throws {
            var logger = shared.logger()
            logger.logLevel = max(logger.logLevel, .warning)
            let database = try await Database.open(try shared.database(), logger: logger)
            let (workspaceID, role) = (workspace, APIKeyRole(rawValue: role) ?? .member)
            let token: String = try await database.whileRunning {
                try await Migrator(database: database).migrate(logger: logger)
                guard let token = try await SignInService(store: Store(database: database)).makeLink(workspaceID: workspaceID, role: role) else {
                    throw ValidationError("no workspace \(workspaceID) in this database")
                }
                return token
            }
            print("\(Environment.publicURL)/sign-in?token=\(token)")
        }
    }
}
