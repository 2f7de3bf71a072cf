import SwitchboardCommands

/// The `switchboard` executable: everything lives in `SwitchboardCommands`.
@main
extension SwitchboardCommand {}
