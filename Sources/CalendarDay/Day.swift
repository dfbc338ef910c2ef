/// A calendar day (proleptic Gregorian), stored as days since 1970-01-01.
///
/// It is the unit of Mixpanel's `from_date`/`to_date` and of the lake's `day=` partitions; it has
/// no time zone of its own: which zone a day is read in is the caller's decision.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Days since 1970-01-01 (negative before it).
  public let daysSinceEpoch: Int

  public init(daysSinceEpoch: Int) {
    self.daysSinceEpoch = daysSinceEpoch
  }

  /// The day that holds `epochSeconds` when the clock reads UTC.
  public init(epochSeconds: Int64) {
    self.daysSinceEpoch = Int((epochSeconds >= 0 ? epochSeconds : epochSeconds - 86_399) / 86_400)
  }

  /// The day from its parts; nil when they name no real day.
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else {
      return nil
    }
    // Howard Hinnant's days_from_civil.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    self.daysSinceEpoch = era * 146_097 + doe - 719_468
  }

  /// Parses `yyyy-mm-dd` strictly; nil for anything else.
  public init?(_ text: some StringProtocol) {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
      return nil
    }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for index in range {
        let digit = Int(bytes[index]) - 48
        guard (0...9).contains(digit) else { return nil }
        value = value * 10 + digit
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else {
      return nil
    }
    self.init(year: year, month: month, day: day)
  }

  /// Year, month (1–12) and day of month (1–31).
  public var parts: (year: Int, month: Int, day: Int) {
    // Howard Hinnant's civil_from_days.
    let z = daysSinceEpoch + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// `yyyy-mm-dd`.
  public var description: String {
    let (year, month, day) = parts
    func pad(_ value: Int, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }

  /// Epoch seconds of this day's first second, reading the day in UTC.
  public var startEpochSeconds: Int64 { Int64(daysSinceEpoch) * 86_400 }

  /// Epoch seconds of this day's last second, reading the day in UTC.
  public var endEpochSeconds: Int64 { startEpochSeconds + 86_399 }

  /// The day `count` days later (earlier when negative).
  public func adding(days count: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + count) }

  /// Days from `self` to `other` (positive when `other` is later).
  public func distance(to other: Day) -> Int { other.daysSinceEpoch - daysSinceEpoch }

  public static func < (lhs: Day, rhs: Day) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}
