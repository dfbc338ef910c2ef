import CalendarDay

/// ISO-8601 UTC text for epoch seconds, and back: the lake's one timestamp format.
public enum Timestamp {
  /// `2024-06-01T12:05:12Z` for epoch seconds.
  public static func iso8601(_ epochSeconds: Int64) -> String {
    let day = Day(epochSeconds: epochSeconds)
    let second = Int(epochSeconds - day.startEpochSeconds)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(day)T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
  }

  /// `2024-06-01T12:05:12.000000Z`: what Singer taps (singer-python's `strftime`) write, for
  /// tap mode's bookmarks and `time_extracted`.
  public static func singer(_ epochSeconds: Int64) -> String {
    var text = iso8601(epochSeconds)
    text.insert(contentsOf: ".000000", at: text.index(before: text.endIndex))
    return text
  }

  /// Parses `yyyy-mm-dd`, `yyyy-mm-ddTHH:MM:SS`, with optional fraction and `Z` or `±HH:MM`
  /// (Singer bookmarks come in all these forms); returns epoch seconds, nil when malformed.
  public static func parse(_ text: String) -> Int64? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 10, let day = Day(String(decoding: bytes[0..<10], as: UTF8.self)) else {
      return nil
    }
    var seconds = day.startEpochSeconds
    guard bytes.count > 10 else { return seconds }
    guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes.count >= 19 else {
      return nil
    }
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[from..<(from + count)] {
        guard (48...57).contains(byte) else { return nil }
        value = value * 10 + Int(byte) - 48
      }
      return value
    }
    guard let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), hour < 24, minute < 60, second < 61
    else { return nil }
    seconds += Int64(hour * 3600 + minute * 60 + second)
    var index = 19
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
    }
    if index == bytes.count { return seconds }
    if bytes[index] == UInt8(ascii: "Z"), index + 1 == bytes.count { return seconds }
    let sign: Int64
    switch bytes[index] {
    case UInt8(ascii: "+"): sign = 1
    case UInt8(ascii: "-"): sign = -1
    default: return nil
    }
    guard let offsetHours = number(index + 1, 2), let offsetMinutes = number(index + 4, 2),
      index + 6 == bytes.count
    else { return nil }
    return seconds - sign * Int64(offsetHours * 3600 + offsetMinutes * 60)
  }
}
