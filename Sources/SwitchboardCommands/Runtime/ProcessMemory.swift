import CMalloc
import Foundation

/// The process's allocator settings, applied before the engine's threads start.
public enum ProcessMemory {
    /// Caps glibc's malloc arenas at one per core (at least two). By default glibc gives each thread that meets a
    /// locked arena a new one, up to eight per core, and memory freed into an arena serves only that arena again: with
    /// event bodies allocated on the NIO threads and freed on the concurrency pool's and the SQLite thread, the freed
    /// memory sat spread over many arenas. `switchboard-bench --events 100000` (1M deliveries pending) peaked at
    /// 149 MB of RSS with the default and at 120 MB with two arenas; the CPU per delivery was the same.
    public static func limitAllocatorArenas() {
        #if canImport(Glibc)
        _ = mallopt(M_ARENA_MAX, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        #endif
    }
}
