import Foundation
import Hummingbird
import NIOCore
import SwitchboardDomain

extension Request {
    /// The body as JSON: 413 above 1 MiB, 400 when it is not JSON, nests deeper than `JSONParser.defaultMaximumDepth` or is
    /// empty (unless `allowEmpty`: then `{}`).
    func jsonBody(context: SwitchboardRequestContext, allowEmpty: Bool = false) async throws -> JSONValue {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 && allowEmpty { return .object([:]) }
        guard buffer.readableBytes > 0 else { throw APIError.malformed("The request body is empty; send a JSON document.") }
        do {
            return try JSONValue(json: buffer.readableBytesView)
        } catch .tooDeep(let limit) {
            throw APIError.malformed("The request body nests arrays and objects more than \(limit) levels deep; \(limit) is the limit.")
        } catch .malformed(let reason, let offset) {
            throw APIError.malformed("The request body is not valid JSON: \(reason) at byte \(offset).")
        }
    }

    /// The body as a JSON object (400 otherwise).
    func jsonObject(context: SwitchboardRequestContext, allowEmpty: Bool = false) async throws -> [String: JSONValue] {
        guard let object = try await jsonBody(context: context, allowEmpty: allowEmpty).objectValue else {
            throw APIError.malformed("The request body must be a JSON object.")
        }
        return object
    }

    /// `limit` and `cursor` of a list request: 50 by default, 1…200.
    func pagination() throws -> (limit: Int, cursor: String?) {
        let query = uri.queryParameters
        var limit = 50
        if let text = query["limit"] {
            guard let value = Int(text), (1...200).contains(value) else {
                throw APIError.invalid([FieldError(field: "limit", message: "must be a whole number from 1 to 200")])
            }
            limit = value
        }
        return (limit, query["cursor"].map(String.init))
    }

    /// An optional RFC 3339 time from the query string.
    func queryTime(_ name: String) throws -> Date? {
        guard let text = uri.queryParameters[Substring(name)] else { return nil }
        guard let date = Timestamp.parse(String(text)) else { throw APIError.invalid([FieldError(field: name, message: "must be an RFC 3339 time")]) }
        return date
    }
}

/// Reads optional typed members of a JSON object, collecting field errors instead of failing at the first.
struct FieldReader {
    let object: [String: JSONValue]
    let prefix: String
    var errors: [FieldError] = []

    init(_ object: [String: JSONValue], prefix: String = "") {
        self.object = object
        self.prefix = prefix
    }

    mutating func string(_ key: String) -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard let text = value.stringValue else {
            errors.append(FieldError(field: prefix + key, message: "must be a string"))
            return nil
        }
        return text
    }

    mutating func strings(_ key: String) -> [String]? {
        guard let value = object[key], value != .null else { return nil }
        guard case .array(let items) = value, let texts = Optional(items.compactMap(\.stringValue)), texts.count == items.count else {
            errors.append(FieldError(field: prefix + key, message: "must be an array of strings"))
            return nil
        }
        return texts
    }

    /// Refuses the members that are not among `known`: a field the server would ignore is a mistake to report.
    mutating func refuseOthers(_ known: Set<String>, saying message: String = "is not a known field") {
        for key in object.keys.sorted() where !known.contains(key) { errors.append(FieldError(field: prefix + key, message: message)) }
    }

    mutating func object(_ key: String) -> [String: JSONValue]? {
        guard let value = object[key], value != .null else { return nil }
        guard let members = value.objectValue else {
            errors.append(FieldError(field: prefix + key, message: "must be an object"))
            return nil
        }
        return members
    }
}
