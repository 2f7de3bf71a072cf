import SQLKit
import SQLiteKit

/// sqlite-kit's SQLite dialect with anonymous `?` placeholders instead of numbered `?NNN` ones.
///
/// SQLite parses numbered placeholders in time quadratic in their count (it searches its list of names for each
/// one): preparing a 225-row insert of attempts (2,025 binds) took ~5 ms with `?NNN` and ~0.5 ms with `?`, and
/// such statements vary in text with their row count, so they are prepared often. SQLKit writes one placeholder
/// per bind, in bind order, so anonymous placeholders bind the same values.
struct AnonymousPlaceholderDialect: SQLDialect {
    private let base = SQLiteDialect()

    func bindPlaceholder(at position: Int) -> any SQLExpression { SQLRaw("?") }

    var name: String { base.name }
    var identifierQuote: any SQLExpression { base.identifierQuote }
    var literalStringQuote: any SQLExpression { base.literalStringQuote }
    var supportsAutoIncrement: Bool { base.supportsAutoIncrement }
    var autoIncrementClause: any SQLExpression { base.autoIncrementClause }
    var autoIncrementFunction: (any SQLExpression)? { base.autoIncrementFunction }
    func literalBoolean(_ value: Bool) -> any SQLExpression { base.literalBoolean(value) }
    var literalDefault: any SQLExpression { base.literalDefault }
    var supportsIfExists: Bool { base.supportsIfExists }
    var enumSyntax: SQLEnumSyntax { base.enumSyntax }
    var supportsDropBehavior: Bool { base.supportsDropBehavior }
    var supportsReturning: Bool { base.supportsReturning }
    var triggerSyntax: SQLTriggerSyntax { base.triggerSyntax }
    var alterTableSyntax: SQLAlterTableSyntax { base.alterTableSyntax }
    func customDataType(for dataType: SQLDataType) -> (any SQLExpression)? { base.customDataType(for: dataType) }
    func normalizeSQLConstraint(identifier: any SQLExpression) -> any SQLExpression { base.normalizeSQLConstraint(identifier: identifier) }
    var upsertSyntax: SQLUpsertSyntax { base.upsertSyntax }
    var unionFeatures: SQLUnionFeatures { base.unionFeatures }
    var sharedSelectLockExpression: (any SQLExpression)? { base.sharedSelectLockExpression }
    var exclusiveSelectLockExpression: (any SQLExpression)? { base.exclusiveSelectLockExpression }
    func nestedSubpathExpression(in column: any SQLExpression, for path: [String]) -> (any SQLExpression)? {
        base.nestedSubpathExpression(in: column, for: path)
    }
}
