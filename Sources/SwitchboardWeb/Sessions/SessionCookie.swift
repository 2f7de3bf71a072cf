import Crypto
import Foundation
import Hummingbird
import SwitchboardEngine

/// The browser's cookies: the session's, the sign-in form's, and the CSRF token derived from the session.
///
/// The session cookie is HttpOnly (no script reads it) and SameSite=Strict (no other site's page sends it). When
/// Switchboard is reached over https (`SWITCHBOARD_PUBLIC_URL`) it is Secure and named with the `__Host-` prefix, which
/// browsers accept only from this host, over https, for every path: no other subdomain can set or shadow it (RFC 6265bis
/// §4.1.3.2). Every form carries the CSRF token, a hash of the session token: a page of another origin cannot read
/// it, so it cannot post a form that passes.
struct SessionCookie: Sendable {
    /// Whether Switchboard is reached over https.
    let secure: Bool

    /// The session cookie's name.
    var name: String { secure ? "__Host-sb_session" : "sb_session" }

    /// The sign-in form's cookie (path `/sign-in`, so `__Secure-` rather than `__Host-` over https).
    var formName: String { secure ? "__Secure-sb_sign_in" : "sb_sign_in" }

    /// The session token a request carries, if any.
    func session(of request: Request) -> String? {
        request.cookies[name].map(\.value).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The sign-in form token a request carries, if any.
    func formToken(of request: Request) -> String? {
        request.cookies[formName].map(\.value).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The cookie that signs this browser in.
    func signIn(_ token: String) -> Cookie {
        Cookie(
            name: name,
            value: token,
            maxAge: Int(SignInService.sessionLifetime),
            path: "/",
            secure: secure,
            httpOnly: true,
            sameSite: .strict
        )
    }

    /// The cookie that signs this browser out.
    func signOut() -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The sign-in form's cookie, matching its hidden field (an hour).
    func form(_ token: String) -> Cookie {
        Cookie(name: formName, value: token, maxAge: 3600, path: "/sign-in", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The CSRF token of a session: SHA-256 of a label and the session token, base64url.
    static func csrfToken(session token: String) -> String {
        let digest = SHA256.hash(data: Array("switchboard-csrf\u{0}\(token)".utf8))
        return Data(digest).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `given` is the session's CSRF token, compared in constant time.
    static func isValid(csrf given: String?, session token: String) -> Bool {
        guard let given else { return false }
        let expected = Array(csrfToken(session: token).utf8)
        let actual = Array(given.utf8)
        guard expected.count == actual.count else { return false }
        return zip(expected, actual).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
