import Foundation
import Hummingbird
import SwitchboardDomain

/// Encodes API responses: UTF-8 JSON with stable key order.
public enum JSONResponse {
    /// A JSON response with the given status.
    public static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try CompactJSON.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A page of a list: `{"data": [...], "next_cursor": "…" | null}`.
struct ListResponse<Item: Encodable>: Encodable {
    let data: [Item]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
