import SwitchboardDomain
import Testing

@Suite("Durations in milliseconds")
struct DurationMillisecondsTests {
    @Test("whole milliseconds, rounded toward zero")
    func wholeMilliseconds() {
        #expect(Duration.seconds(3600).wholeMilliseconds == 3_600_000)
        #expect(Duration.milliseconds(1500).wholeMilliseconds == 1500)
        #expect(Duration.microseconds(999).wholeMilliseconds == 0)
        #expect((Duration.seconds(2) + .microseconds(1999)).wholeMilliseconds == 2001)
    }
}
