import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SwitchboardDomain
import SwitchboardEngine

/// Calls to Slack's Web API with a bot token, and what their answers mean for an integration.
struct SlackClient {
    let http: HTTPClient
    let baseURL: String
    let token: String

    /// A conversation as `conversations.list` and `conversations.info` describe it.
    struct Channel: Equatable {
        let id: String
        let name: String
        let isPrivate: Bool
        let isArchived: Bool
        let isMember: Bool

        init?(_ object: [String: Any]) {
            guard let id = object["id"] as? String else { return nil }
            self.id = id
            name = object["name"] as? String ?? id
            isPrivate = object["is_private"] as? Bool ?? false
            isArchived = object["is_archived"] as? Bool ?? false
            isMember = object["is_member"] as? Bool ?? false
        }
    }

    /// Slack refused a call: its `error` code, and the `needed` scope of a `missing_scope`.
    struct Refusal: Error, Equatable {
        let error: String
        let needed: String?
    }

    /// `auth.test`: the token's scopes (`x-oauth-scopes`). Refusals: `invalid_auth`, `token_revoked`….
    func scopes(pacing: ProviderHTTP.Pacing?) async throws(ProviderFailure) -> Set<String> {
        // auth.test is a POST method that takes JSON (https://docs.slack.dev/reference/methods/auth.test).
        let answer = try await call(SlackAPI.authTest, json: [:], pacing: pacing)
        let header = answer.headers.first(name: "x-oauth-scopes") ?? ""
        return Set(header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    /// Every channel the selector offers: public ones, and private ones the app is in (`groups:read`), all pages.
    func channels(includePrivate: Bool, pacing: ProviderHTTP.Pacing?) async throws(ProviderFailure) -> [Channel] {
        var channels: [Channel] = []
        var cursor = ""
        repeat {
            var query = [
                "types": includePrivate ? "public_channel,private_channel" : "public_channel",
                "exclude_archived": "true", "limit": String(SlackAPI.pageSize),
            ]
            if !cursor.isEmpty { query["cursor"] = cursor }
            let answer = try await call(SlackAPI.conversationsList, query: query, pacing: pacing)
            channels += (answer.body?["channels"] as? [[String: Any]] ?? []).compactMap(Channel.init)
            cursor = (answer.body?["response_metadata"] as? [String: Any])?["next_cursor"] as? String ?? ""
        } while !cursor.isEmpty
        return channels
    }

    /// `conversations.info` of one channel.
    func channel(_ id: String, pacing: ProviderHTTP.Pacing?) async throws(ProviderFailure) -> Channel {
        let answer = try await call(SlackAPI.conversationsInfo, query: ["channel": id], pacing: pacing)
        guard let channel = (answer.body?["channel"] as? [String: Any]).flatMap(Channel.init) else {
            throw .unavailable("Slack answered conversations.info without a channel")
        }
        return channel
    }

    /// `chat.postMessage`; returns the message's `ts`.
    func post(_ message: SlackMessage, to channel: String, pacing: ProviderHTTP.Pacing?) async throws(ProviderFailure) -> String {
        let body: [String: Any] = ["channel": channel, "text": message.text, "blocks": message.blocks.map(\.foundationValue), "unfurl_links": false]
        let answer = try await call(SlackAPI.postMessage, json: body, pacing: pacing)
        return answer.body?["ts"] as? String ?? ""
    }

    // MARK: - Calls

    /// A read method, its arguments in the query string (Slack takes them so; some read methods refuse JSON).
    private func call(_ method: String, query: [String: String], pacing: ProviderHTTP.Pacing?) async throws(ProviderFailure) -> ProviderHTTP.Answer {
        let url = baseURL + "/api/" + method
        return try await send(.GET, query.isEmpty ? url : ProviderHTTP.url(url, query: query), json: nil, pacing: pacing)
    }

    /// A write method with a JSON body (`chat.postMessage` takes JSON with a Bearer token).
    private func call(_ method: String, json: [String: Any], pacing: ProviderHTTP.Pacing?) async throws(ProviderFailure) -> ProviderHTTP.Answer {
        try await send(.POST, baseURL + "/api/" + method, json: json, pacing: pacing)
    }

    /// One call with the bot token, sent again after each 429 (`retryingThrottles`).
    private func send(
        _ httpMethod: HTTPMethod,
        _ url: String,
        json: [String: Any]?,
        pacing: ProviderHTTP.Pacing?
    ) async throws(ProviderFailure)
        -> ProviderHTTP.Answer
    {
        try await retryingThrottles(pacing) { () throws(ProviderFailure) in
            try await ProviderHTTP.call(
                http,
                httpMethod,
                url,
                authorization: "Bearer \(token)",
                json: json,
                provider: "Slack",
                pacing: pacing,
                // Slack warns (`missing_charset`) about JSON sent without one.
                contentType: "application/json; charset=utf-8"
            )
        }
    }

    /// Sends until Slack answers other than "rate limited": a 429 stops the integration's budget for its
    /// `Retry-After` and the call is sent again (up to 5 times; a stop too long for a call to wait throws at once).
    private func retryingThrottles(
        _ pacing: ProviderHTTP.Pacing?,
        _ send: () async throws(ProviderFailure) -> ProviderHTTP.Answer
    ) async throws(ProviderFailure) -> ProviderHTTP.Answer {
        var tries = 0
        while true {
            tries += 1
            let answer = try await send()
            do {
                try Self.check(answer)
                return answer
            } catch .throttled(let retryAfter) where tries < 5 {
                if let pacing {
                    _ = pacing.note(.throttled(retryAfter: retryAfter))
                } else {
                    // Unpaced (validating credentials not yet saved): wait here, briefly.
                    try? await Task.sleep(for: .seconds(min(retryAfter ?? 1, 30)))
                }
            }
        }
    }

    /// What an answer means: nothing when `ok`, else the failure its `error` stands for.
    static func check(_ answer: ProviderHTTP.Answer) throws(ProviderFailure) {
        if answer.status == 429 {
            throw .throttled(retryAfter: answer.headers.first(name: "retry-after").flatMap(TimeInterval.init) ?? 1)
        }
        guard answer.status == 200 else { throw .unavailable("Slack answered HTTP \(answer.status)") }
        guard let body = answer.body else { throw .unavailable("Slack answered without a JSON body") }
        if body["ok"] as? Bool == true { return }
        let error = body["error"] as? String ?? "unknown_error"
        throw failure(Refusal(error: error, needed: body["needed"] as? String), retryAfter: answer.headers.first(name: "retry-after"))
    }

    /// The failure a Slack error code stands for (https://api.slack.com/methods/chat.postMessage#errors and the
    /// common errors of every method). Channel errors are `.refused(.channelUnavailable)` for the caller to name.
    static func failure(_ refusal: Refusal, retryAfter: String? = nil) -> ProviderFailure {
        switch refusal.error {
        case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "not_allowed_token_type":
            return .refused(.expiredCredentials("Slack says \(refusal.error)"))
        case "missing_scope":
            // `needed` may name several, comma-separated.
            let needed = (refusal.needed ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return .refused(.missingPermissions(scopes: needed.isEmpty ? ["a scope Slack did not name"] : needed))
        case "channel_not_found": return .refused(.channelUnavailable(name: "", problem: .gone))
        case "is_archived": return .refused(.channelUnavailable(name: "", problem: .archived))
        case "not_in_channel": return .refused(.channelUnavailable(name: "", problem: .notInvited))
        case "ratelimited", "rate_limited": return .throttled(retryAfter: retryAfter.flatMap(TimeInterval.init) ?? 1)
        case "no_permission", "restricted_action", "restricted_action_read_only_channel", "restricted_action_non_threadable_channel",
            "ekm_access_denied", "team_access_not_granted", "access_denied":
            return .refused(.permissionDenied("Slack says \(refusal.error)"))
        case "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org":
            return .unavailable("Slack says \(refusal.error)")
        default:
            // Refusals of the request itself (msg_too_long, invalid_blocks, no_text…) would refuse it again.
            return .invalid("Slack refused the message: \(refusal.error)")
        }
    }
}

extension ProviderFailure {
    /// A failure that passes by itself (a rate limit, an outage), as opposed to a refusal.
    var isPassing: Bool {
        switch self {
        case .throttled, .quotaExhausted, .unavailable: true
        case .refused, .invalid: false
        }
    }
}
