/// Which flat-record columns to keep, from a Singer catalog (`export --catalog`): columns the
/// catalog deselects are dropped; with `select_properties_by_default: false`, columns the catalog
/// does not list are dropped too. Raw records keep every byte whatever the catalog says.
public struct ColumnSelection: Sendable {
  private let dropped: Set<Int>
  private let declared: Set<Int>?

  public init(deselected: Set<String>, declared: [String]?) {
    self.dropped = Set(deselected.map { Self.hash(Array($0.utf8)) })
    self.declared = declared.map { Set($0.map { Self.hash(Array($0.utf8)) }) }
  }

  /// Whether the column named by these bytes stays (no allocation: names are compared by hash).
  public func keeps(_ name: UnsafeRawBufferPointer) -> Bool {
    let key = Self.hash(name)
    if dropped.contains(key) { return false }
    return declared?.contains(key) ?? true
  }

  private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
    var hasher = Hasher()
    hasher.combine(bytes: bytes)
    return hasher.finalize()
  }

  private static func hash(_ bytes: [UInt8]) -> Int {
    bytes.withUnsafeBytes { hash($0) }
  }
}
