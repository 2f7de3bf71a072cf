/// Slack's Web API as Switchboard uses it: every method is `<base URL>/api/<method>` (SPEC §1,
/// `SWITCHBOARD_SLACK_URL`), answers HTTP 200 with `{"ok": false, "error": …}` for most refusals, and 429 with
/// `Retry-After` when rate limited (https://api.slack.com/web#responses, https://api.slack.com/apis/rate-limits).
public enum SlackAPI {
    public static let defaultBaseURL = "https://slack.com"

    static let authTest = "auth.test"
    static let conversationsList = "conversations.list"
    static let conversationsInfo = "conversations.info"
    static let postMessage = "chat.postMessage"
    static let oauthAccess = "oauth.v2.access"
    /// Where managers authorize the app (on slack.com itself, not the API host; the emulator's when overridden).
    static let authorizePath = "/oauth/v2/authorize"

    /// The bot scopes Switchboard asks for: posting, and reading public and private channels for the selector.
    static let scopes = ["chat:write", "channels:read", "groups:read"]
    /// What every integration needs: to post, and to see public channels (selector and validation).
    static let requiredScopes = ["chat:write", "channels:read"]
    /// What a private channel needs besides.
    static let privateChannelScope = "groups:read"

    /// The most conversations one `conversations.list` page may hold (Slack: "no larger than 1000", fewer than
    /// 200 recommended).
    static let pageSize = 200
}
