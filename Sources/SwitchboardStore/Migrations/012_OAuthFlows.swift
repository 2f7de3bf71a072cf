/// OAuth connections started by a manager: the `state` sent to the provider is a flow's id, kept here so that it is
/// used once, bound to the browser that opened the link, and expires (`Store+OAuthFlows`). The state was a sealed
/// value that anyone holding the link could replay for 15 minutes.
let oauthFlows = Migration(
    version: 12,
    name: "oauth flows",
    statements: [
        """
        CREATE TABLE oauth_flows (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, integration_id TEXT NOT NULL, browser_hash TEXT,
            created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)
        """
    ]
)
