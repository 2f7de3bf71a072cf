extension Array {
    /// Consecutive slices of at most `size` elements.
    public func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension Array {
    /// Consecutive slices whose sizes are powers of two, at most `largest` (itself a power of two): as many of
    /// `largest` as fit, then the rest largest first. A multi-row statement's text depends on its row count, so
    /// these sizes keep the distinct statements few enough to stay prepared (a 200-row insert takes longer to
    /// prepare than to run).
    public func chunkedInPowersOfTwo(largest: Int) -> [ArraySlice<Element>] {
        precondition(largest > 0 && largest & (largest - 1) == 0, "largest must be a power of two")
        var chunks: [ArraySlice<Element>] = []
        var start = 0
        var size = largest
        while start < count {
            while count - start < size { size /= 2 }
            chunks.append(self[start..<start + size])
            start += size
        }
        return chunks
    }
}
