import Testing

@testable import SwitchboardDomain

@Suite("Chunking rows for statements")
struct ChunkingTests {
    @Test("power-of-two chunks: whole largest ones, then the rest largest first, nothing lost or reordered")
    func powersOfTwo() {
        let rows = Array(0..<(2 * 256 + 200))
        let chunks = rows.chunkedInPowersOfTwo(largest: 256)
        #expect(chunks.map(\.count) == [256, 256, 128, 64, 8])
        #expect(chunks.flatMap { $0 } == rows)
        #expect([Int]().chunkedInPowersOfTwo(largest: 256).isEmpty)
        #expect([1, 2, 3].chunkedInPowersOfTwo(largest: 256).map(\.count) == [2, 1])
        // Every size a batch can come in uses at most nine distinct statement texts.
        let sizes = Set((1...1000).flatMap { Array(0..<$0).chunkedInPowersOfTwo(largest: 256).map(\.count) })
        #expect(sizes == [1, 2, 4, 8, 16, 32, 64, 128, 256])
    }
}
