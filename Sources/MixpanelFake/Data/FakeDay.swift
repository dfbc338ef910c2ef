#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A calendar day in UTC, written `yyyy-mm-dd`.
public struct FakeDay: Sendable, Hashable, Comparable, Strideable, CustomStringConvertible,
  LosslessStringConvertible
{
  /// Days since 1970-01-01.
  public let daysSinceEpoch: Int

  public init(daysSinceEpoch: Int) {
    self.daysSinceEpoch = daysSinceEpoch
  }

  /// The day that contains `epochSeconds` (UTC).
  public init(containingEpochSeconds epochSeconds: Int64) {
    let (q, r) = epochSeconds.quotientAndRemainder(dividingBy: 86_400)
    self.daysSinceEpoch = Int(r < 0 ? q - 1 : q)
  }

  /// Today in UTC according to the system clock.
  public static func todayUTC() -> FakeDay {
    FakeDay(containingEpochSeconds: Int64(time(nil)))
  }

  /// Parses a strict `yyyy-mm-dd`; nil for anything else (including impossible dates).
  public init?(_ text: String) {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
      return nil
    }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for index in range {
        let byte = bytes[index]
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else {
      return nil
    }
    self.init(year: year, month: month, day: day)
  }

  /// Nil when the date does not exist.
  public init?(year: Int, month: Int, day: Int) {
    guard year >= 1, month >= 1, month <= 12, day >= 1,
      day <= FakeDay.daysIn(month: month, year: year)
    else { return nil }
    self.daysSinceEpoch = FakeDay.daysFromCivil(year: year, month: month, day: day)
  }

  public var components: (year: Int, month: Int, day: Int) {
    FakeDay.civilFromDays(self.daysSinceEpoch)
  }

  /// 00:00:00 UTC of this day, in epoch seconds.
  public var startEpochSeconds: Int64 {
    Int64(self.daysSinceEpoch) * 86_400
  }

  public var description: String {
    let (year, month, day) = self.components
    func pad(_ value: Int, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }

  public static func < (lhs: FakeDay, rhs: FakeDay) -> Bool {
    lhs.daysSinceEpoch < rhs.daysSinceEpoch
  }

  public func distance(to other: FakeDay) -> Int {
    other.daysSinceEpoch - self.daysSinceEpoch
  }

  public func advanced(by n: Int) -> FakeDay {
    FakeDay(daysSinceEpoch: self.daysSinceEpoch + n)
  }

  // Howard Hinnant's civil calendar algorithms (proleptic Gregorian).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2:
      let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
      return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}
