/// One invalid input field, for the `errors` of a problem document (RFC 9457).
public struct FieldError: Sendable, Equatable, Codable {
    /// A JSON-pointer-like path to the field, e.g. `events/3/data/registrant/email`.
    public var field: String
    /// What is wrong with it.
    public var message: String

    /// A field error.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
