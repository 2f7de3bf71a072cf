/// Which integrations an event reaches, and how (SPEC §1, §2): every integration of the workspace that has finished
/// setup and receives the event's outbound type gets one delivery — pending, or `skipped` while it is paused (kept
/// for a re-send after resuming). Integrations still being set up get none. The store applies these rules in the
/// transactions that store events and save integrations.
public enum FanOut {
    /// The delivery an integration in `status` that receives `events` gets for an event of `type`; nil for none.
    public static func delivery(
        of type: OutboundEventType,
        to status: IntegrationStatus,
        receiving events: Set<OutboundEventType>
    )
        -> DeliveryStatus?
    {
        guard status != .setupIncomplete, events.contains(type) else { return nil }
        return status == .paused ? .skipped : .pending
    }

    /// What becomes of an integration's pending deliveries when it enters `status`: while paused nothing is sent, so
    /// they are `skipped` (replayable after resuming); nil when they stay pending.
    public static func pendingDeliveries(onEntering status: IntegrationStatus) -> DeliveryStatus? {
        status == .paused ? .skipped : nil
    }
}
