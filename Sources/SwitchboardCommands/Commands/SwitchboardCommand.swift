import ArgumentParser

/// `switchboard`: the one executable of Switchboard.
public struct SwitchboardCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "The integrations service of a live-broadcast platform.",
        subcommands: [Serve.self, Worker.self, Migrate.self, Backup.self, WorkspaceCommand.self, SecretsCommand.self, Listen.self, Demo.self],
        defaultSubcommand: Serve.self
    )

    public init() {}
}
