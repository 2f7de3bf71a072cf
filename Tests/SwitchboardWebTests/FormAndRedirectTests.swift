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
        let https = SessionCookie(secure: true)
        let header = https.signIn("token").description
        #expect(header.hasPrefix("__Host-sb_session=token"), "\(header)")
        for part in ["Secure", "HttpOnly", "Path=/", "SameSite=Strict"] { #expect(header.contains(part), "\(header)") }
        #expect(!header.lowercased().contains("domain"), "a __Host- cookie names no domain")
        #expect(https.signOut().description.hasPrefix("__Host-sb_session=;"))
        #expect(https.form("f").description.hasPrefix("__Secure-sb_sign_in=f"))
        #expect(https.form("f").description.contains("Secure"))

        let http = SessionCookie(secure: false)
        #expect(http.signIn("token").description.hasPrefix("sb_session=token"))
        #expect(!http.signIn("token").description.contains("Secure"), "a browser drops a Secure cookie sent over http")
        #expect(http.form("f").description.hasPrefix("sb_sign_in=f"))
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
