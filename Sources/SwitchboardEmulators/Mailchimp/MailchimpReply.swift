import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwitchboardProviders

/// An emulator answer, with Mailchimp's problem-document errors (`type`, `title`, `status`, `detail`, `instance`).
enum MailchimpReply {
    case ok(Any)
    case noContent
    case error(status: Int, title: String, detail: String, errors: [[String: String]] = [])

    static var invalidKey: MailchimpReply {
        .error(status: 401, title: "API Key Invalid", detail: "Your API key may be invalid, or you've attempted to access the wrong datacenter.")
    }

    static var tooManyConnections: MailchimpReply {
        .error(status: 429, title: "Too Many Requests", detail: "You have exceeded the limit of 10 simultaneous connections.")
    }

    static var notFound: MailchimpReply {
        .error(status: 404, title: "Resource Not Found", detail: "The requested resource could not be found.")
    }

    func response() -> Response {
        var fields = HTTPFields()
        let status: Int
        let object: Any?
        switch self {
        case .ok(let body): (status, object) = (200, body)
        case .noContent: (status, object) = (204, nil)
        case .error(let code, let title, let detail, let errors):
            var problem: [String: Any] = [
                "type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": title, "status": code, "detail": detail,
                "instance": UUID().uuidString.lowercased(),
            ]
            if !errors.isEmpty { problem["errors"] = errors }
            (status, object) = (code, problem)
        }
        guard let object else { return Response(status: .noContent) }
        fields[.contentType] = status < 300 ? "application/json; charset=utf-8" : "application/problem+json; charset=utf-8"
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
