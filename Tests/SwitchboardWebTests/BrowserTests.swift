import Testing

/// Every browser suite, one test at a time: each starts Chromium and a Switchboard process, and several at once on two
/// cores would slow the rest of the suite's timing-bound tests past their bounds.
@Suite("In headless Chromium", .serialized)
struct BrowserTests {}
