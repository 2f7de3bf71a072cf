import Hummingbird
import SwitchboardDomain
import Testing

@testable import SwitchboardWeb

@Suite("Reading forms and sign-in addresses")
struct FormAndRedirectTests {
    @Test(
        "after sign-in only a plain path of this site is followed",
        arguments: [
            ("/settings/integrations/int_1?done=saved", "/settings/integrations/int_1?done=saved"),
            ("//evil.example/x", "/settings/integrations"),
            ("/\t/evil.example", "/settings/integrations"),
            ("/\\evil.example", "/settings/integrations"),
            ("https://evil.example", "/settings/integrations"),
            ("/sign-in?next=/x", "/settings/integrations"),
            ("", "/settings/integrations"),
        ]
    )
    func nextPaths(given: String, followed: String) {
        #expect(SignInPages.safeNext(given) == followed)
    }

    @Test("over https the session cookie is Secure and __Host- (this host, every path, no domain); over http it keeps its plain name")
    func cookieNames() {
        /// A Set-Cookie header's name=value and its attributes.
        func parts(_ cookie: Cookie) -> (String, Set<String>) {
            let items = cookie.description.components(separatedBy: "; ")
            return (items[0], Set(items.dropFirst()))
        }
        let https = SessionCookie(secure: true)
        for (cookie, nameValue) in [(https.signIn("token"), "__Host-sb_session=token"), (https.signOut(), "__Host-sb_session=")] {
            let (first, attributes) = parts(cookie)
            #expect(first == nameValue)
            #expect(attributes.isSuperset(of: ["Secure", "HttpOnly", "Path=/", "SameSite=Strict"]), "\(attributes)")
            #expect(!attributes.contains { $0.lowercased().hasPrefix("domain") }, "a __Host- cookie names no domain")
        }
        let (form, formAttributes) = parts(https.form("f"))
        #expect(form == "__Secure-sb_sign_in=f")
        #expect(formAttributes.isSuperset(of: ["Secure", "HttpOnly", "Path=/sign-in"]), "\(formAttributes)")

        let http = SessionCookie(secure: false)
        let (plain, plainAttributes) = parts(http.signIn("token"))
        #expect(plain == "sb_session=token")
        #expect(!plainAttributes.contains("Secure"), "a browser drops a Secure cookie sent over http")
        #expect(parts(http.form("f")).0 == "sb_sign_in=f")
    }

    @Test("a form gives the object the API takes: typed values, lists, mappings, ticks; a change empties what was cleared")
    func schemaForms() {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "list_id": ["type": ["string", "null"]], "tags": ["type": "array", "items": ["type": "string"]],
                "properties": ["type": "object", "additionalProperties": ["type": "string"]],
                "overwrite_names": ["type": "boolean"],
                "events": ["type": "array", "items": ["type": "string", "enum": ["a", "b"]]],
            ],
        ]
        let form = SchemaForm(part: .settings, schema: schema)
        let filled = FormFields(
            urlEncoded:
                "settings%2Flist_id=+42+&settings%2Ftags=webinar%2C+launch%2C&settings%2Fproperties=jobtitle+%3D+custom_fields.role%0D%0A%0D%0Acompany%3Dcompany"
                + "&settings%2Fevents=b&settings%2Foverwrite_names=on"
        )
        #expect(
            form.object(from: filled, partial: false) == [
                "list_id": "42", "tags": ["webinar", "launch"], "properties": ["jobtitle": "custom_fields.role", "company": "company"],
                "events": ["b"], "overwrite_names": true,
            ]
        )
        let emptied = FormFields(urlEncoded: "settings%2Flist_id=&settings%2Ftags=")
        #expect(form.object(from: emptied, partial: false) == ["overwrite_names": false])
        #expect(
            form.object(from: emptied, partial: true) == [
                "list_id": .null, "tags": .null, "properties": .null, "events": [], "overwrite_names": false,
            ]
        )
    }

    @Test("a field shows its own errors and its parts' (a mapping's keys), and no other field's")
    func fieldErrors() {
        let errors = [
            FieldError(field: "settings/merge_fields/LNAME", message: "must name a registrant field"),
            FieldError(field: "settings/merge_fields", message: "is too long"),
            FieldError(field: "settings/merge_fields_extra", message: "is not a setting"),
        ]
        #expect(SchemaForm.errors(errors, at: "settings/merge_fields") == "LNAME must name a registrant field; is too long")
        #expect(SchemaForm.errors(errors, at: "settings/tags") == nil)
    }
}
