import SwitchboardTestSupport
import Testing

extension StoreEngine: CustomTestStringConvertible {}
