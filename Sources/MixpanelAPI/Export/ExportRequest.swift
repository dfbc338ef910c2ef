public import CalendarDay

/// One call of the raw export API: an inclusive range of days and its filters (§4.1).
public struct ExportRequest: Sendable, Equatable {
  public var fromDate: Day
  public var toDate: Day
  /// Event names to keep (the `event` JSON array); nil for all.
  public var events: [String]?
  /// A segmentation expression (`where`).
  public var whereExpression: String?
  /// Ask for `time` in milliseconds.
  public var timeInMilliseconds: Bool
  public var limit: Int?

  public init(
    fromDate: Day, toDate: Day, events: [String]? = nil, whereExpression: String? = nil,
    timeInMilliseconds: Bool = false, limit: Int? = nil
  ) {
    self.fromDate = fromDate
    self.toDate = toDate
    self.events = events
    self.whereExpression = whereExpression
    self.timeInMilliseconds = timeInMilliseconds
    self.limit = limit
  }

  /// Query parameters, in a stable order.
  var queryItems: [(String, String)] {
    var items = [("from_date", fromDate.description), ("to_date", toDate.description)]
    if let events, !events.isEmpty { items.append(("event", JSONStringArray.encode(events))) }
    if let whereExpression { items.append(("where", whereExpression)) }
    if timeInMilliseconds { items.append(("time_in_ms", "true")) }
    if let limit { items.append(("limit", String(limit))) }
    return items
  }
}

/// `["a","b"]` with JSON string escaping, for list parameters (§3).
enum JSONStringArray {
  static func encode(_ values: [String]) -> String {
    "[" + values.map(quote).joined(separator: ",") + "]"
  }

  static func quote(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}

/// Percent-encoding of query parameters (RFC 3986 unreserved characters stay as they are).
enum QueryString {
  static func encode(_ items: [(String, String)]) -> String {
    items.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
  }

  static func escape(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let hex = String(byte, radix: 16, uppercase: true)
        out += "%" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return out
  }
}
