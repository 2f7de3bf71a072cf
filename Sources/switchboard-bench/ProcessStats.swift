import Foundation

/// Peak resident memory of this process, from /proc.
func peakRSSMegabytes() -> Double { procStatusMegabytes("VmHWM:") }

/// Current resident memory of this process, from /proc.
func currentRSSMegabytes() -> Double { procStatusMegabytes("VmRSS:") }

/// A kilobyte field of /proc/self/status, in megabytes (0 when unreadable).
private func procStatusMegabytes(_ field: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kilobytes / 1024
}

/// CPU time this process has used so far (user + system, all threads), in seconds. Differences of it give the
/// CPU cost of a phase, a steadier measure than its rate on a shared machine.
func processCPUSeconds() -> Double {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
