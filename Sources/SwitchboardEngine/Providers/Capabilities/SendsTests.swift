import SwitchboardDomain

/// A provider that sends test notifications on request (Send Test Notification, `POST /v1/integrations/{id}/test`
/// with `{"notification_type": …}`): a realistic sample of one type, sent at once.
public protocol SendsTests: ConnectedProvider {
    /// The types a test may be asked for.
    var testTypes: [String] { get }
    /// Sends a sample of `type`; returns what the provider answered, in a manager's words.
    func sendTest(_ type: String, over connection: ProviderConnection) async throws(ProviderFailure) -> String
}
