/// What ``JSONLineScanner`` picks out of a Mixpanel export line while it validates it.
///
/// Ranges are byte offsets into the scanned line and include the string's quotes, so a caller
/// can compare or copy them without decoding.
public struct EventFields: Sendable, Equatable {
  /// `properties.time` as an integer (a fraction is truncated toward zero); nil when absent or
  /// not a number that fits 64 bits.
  public var time: Int64?
  /// The top-level `event` string, quotes included.
  public var event: Range<Int>?
  /// `properties.distinct_id` when it is a string (quotes included) or a number.
  public var distinctID: Range<Int>?
  /// `properties.$insert_id` when it is a string, quotes included.
  public var insertID: Range<Int>?
  /// Whether the line has a top-level `properties` whose value is an object. With a string
  /// `event`, this is what makes a line an event (a Mixpanel error object has neither).
  public var hasPropertiesObject: Bool

  /// Whether the line is an event: a string `event` and an object `properties`.
  public var isEvent: Bool { event != nil && hasPropertiesObject }

  public init(
    time: Int64? = nil, event: Range<Int>? = nil, distinctID: Range<Int>? = nil,
    insertID: Range<Int>? = nil, hasPropertiesObject: Bool = false
  ) {
    self.hasPropertiesObject = hasPropertiesObject
    self.time = time
    self.event = event
    self.distinctID = distinctID
    self.insertID = insertID
  }
}
