/// One versioned schema change. Versions only grow; an applied migration is never edited.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
}
