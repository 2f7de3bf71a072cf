import Foundation
import Hummingbird
import SwitchboardHTTP

/// The fields of an `application/x-www-form-urlencoded` body, in order; a name may repeat (a group of checkboxes).
struct FormFields: Sendable {
    private(set) var pairs: [(name: String, value: String)]

    /// Reads a form body; malformed percent escapes are kept as they came.
    init(urlEncoded body: String) {
        pairs = body.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The first value of `name`, or nil.
    subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// Whether the form has a field of this name, even an empty one.
    func has(_ name: String) -> Bool {
        pairs.contains { $0.name == name }
    }
}

extension FormFields {
    /// The form a request posted (its body, up to the context's limit); the body stays readable after.
    init(posted request: inout Request, context: SwitchboardRequestContext) async throws {
        self.init(urlEncoded: String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
    }
}
