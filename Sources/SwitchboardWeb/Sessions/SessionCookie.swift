import Crypto
import Foundation
import Hummingbird
import SwitchboardEngine

/// The browser's session cookie and the CSRF token derived from it.
///
/// The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it) and Secure when
/// Switchboard is reached over https (`SWITCHBOARD_PUBLIC_URL`). Every form carries the CSRF token, a hash of the
/// session token: a page of another origin cannot read it, so it cannot post a form that passes.
enum SessionCookie {
    static let name = "sb_session"

    /// The cookie that signs this browser in.
    static func signIn(_ token: String, secure: Bool) -> Cookie {
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
    static func signOut(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
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
