import CalendarDay
import MixpanelAPI

/// Typed reads from a decoded JSON config object, accepting tap-mixpanel's habits: numbers and
/// booleans given as strings (`"30"`, `"true"`), dates as `yyyy-mm-dd` or ISO-8601 timestamps,
/// event lists as arrays or comma-separated strings. `null` counts as absent.
struct ConfigValues {
  private let values: [String: JSONNode]

  init(_ values: [String: JSONNode]) {
    self.values = values
  }

  private func value(_ key: String) -> JSONNode? {
    guard let value = values[key], value != .null else { return nil }
    return value
  }

  func string(_ key: String) throws -> String? {
    guard let value = value(key) else { return nil }
    guard case .string(let text) = value else { throw ConfigError.invalid(key, "expected a string") }
    return text
  }

  /// - Parameter zeroOrBlankIsAbsent: `0` and `""` mean "the default" (what Stitch-style
  ///   forms write for an empty field, and what tap-mixpanel does with them).
  func int(_ key: String, range: ClosedRange<Int>, zeroOrBlankIsAbsent: Bool = false) throws -> Int? {
    guard let value = value(key) else { return nil }
    if zeroOrBlankIsAbsent, value == .number("0") || value == .string("") || value == .string("0") {
      return nil
    }
    let parsed: Int?
    switch value {
    case .number(let text): parsed = Int(text) ?? Double(text).flatMap { Int(exactly: $0) }
    case .string(let text): parsed = Int(text.trimmingSpaces)
    default: parsed = nil
    }
    guard let parsed, range.contains(parsed) else {
      throw ConfigError.invalid(
        key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
    return parsed
  }

  /// A number, whole or decimal, in `range`.
  func decimal(_ key: String, range: ClosedRange<Double>) throws -> Double? {
    guard let value = value(key) else { return nil }
    let parsed: Double?
    switch value {
    case .number(let text): parsed = Double(text)
    case .string(let text): parsed = Double(text.trimmingSpaces)
    default: parsed = nil
    }
    guard let parsed, parsed.isFinite, range.contains(parsed) else {
      func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
      }
      throw ConfigError.invalid(
        key, "expected a number from \(text(range.lowerBound)) to \(text(range.upperBound))")
    }
    return parsed
  }

  func bool(_ key: String) throws -> Bool? {
    guard let value = value(key) else { return nil }
    switch value {
    case .bool(let flag): return flag
    case .string(let text):
      switch text.lowercased() {
      case "true", "yes", "1": return true
      case "false", "no", "0", "": return false
      default: break
      }
    default: break
    }
    throw ConfigError.invalid(key, "expected true or false")
  }

  func day(_ key: String) throws -> Day? {
    guard let text = try string(key) else { return nil }
    let rest = text.dropFirst(10)
    if let day = Day(text.prefix(10)), rest.isEmpty || rest.first == "T" || rest.first == " " {
      return day
    }
    throw ConfigError.invalid(key, "expected a date like 2024-06-01 (or 2024-06-01T00:00:00Z), got '\(text)'")
  }

  func stringList(_ key: String) throws -> [String]? {
    guard let value = value(key) else { return nil }
    switch value {
    case .array(let items):
      var result: [String] = []
      for item in items {
        guard case .string(let text) = item else {
          throw ConfigError.invalid(key, "expected a list of strings")
        }
        result.append(text)
      }
      return result
    case .string(let text):
      return text.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    default:
      throw ConfigError.invalid(key, "expected a list of strings")
    }
  }
}

extension String {
  var trimmingSpaces: String {
    var slice = Substring(self)
    while slice.first?.isWhitespace == true { slice.removeFirst() }
    while slice.last?.isWhitespace == true { slice.removeLast() }
    return String(slice)
  }
}
