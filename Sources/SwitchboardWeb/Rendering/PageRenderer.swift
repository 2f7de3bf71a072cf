import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the templates compiled into the binary (`Templates/`, embedded by the package manifest) into HTML
/// responses with the headers every page carries.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The Content-Security-Policy of every page.
    let securityPolicy: String

    /// Every template, by the name pages and partials use.
    static let templates: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache,
        "bare": PackageResources.bare_mustache,
        "field": PackageResources.field_mustache,
        "sign-in": PackageResources.sign_in_mustache,
        "message": PackageResources.message_mustache,
        "integrations": PackageResources.integrations_mustache,
        "add-integration": PackageResources.add_integration_mustache,
        "manage": PackageResources.manage_mustache,
        "confirm-delete": PackageResources.confirm_delete_mustache,
        "job": PackageResources.job_mustache,
        "deliveries": PackageResources.deliveries_mustache,
        "notifications": PackageResources.notifications_mustache,
    ]

    /// `formTargets`: the origins a form's redirect may lead to besides this one (providers' OAuth consent pages;
    /// browsers apply `form-action` to the redirects that follow a form post).
    init(formTargets: [String] = []) throws {
        securityPolicy =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "form-action \((["'self'"] + formTargets).joined(separator: " ")); frame-ancestors 'none'; base-uri 'none'"
        var library = MustacheLibrary()
        for (name, bytes) in Self.templates {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// The page `template` renders from `view`.
    func page(_ template: String, _ view: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(view, withTemplate: template) ?? "<!doctype html><title>Switchboard</title><p>Missing page \(template)."
        return self.html(html, status: status)
    }

    /// A page that says one thing and links back (errors, refusals).
    func message(status: HTTPResponse.Status, title: String, text: String, back: String) -> Response {
        page("message", MessageView(title: title, text: text, back: back), status: status)
    }

    /// HTML with the headers of every page: nothing from elsewhere runs or frames it, and nothing is cached, since
    /// pages show a signed-in workspace.
    func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = securityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other: where a form post sends the browser next (so that reloading does not post again).
    static func redirect(_ location: String, cookie: Cookie? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        if let cookie { headers[.setCookie] = cookie.description }
        return Response(status: .seeOther, headers: headers)
    }
}

/// A page that says one thing (`message.mustache`).
struct MessageView: Sendable {
    var title: String
    var text: String
    var back: String
    let assets = Assets.version
}
