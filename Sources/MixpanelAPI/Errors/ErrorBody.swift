public import Foundation

/// Lenient reading of an error body (§13.2): JSON `error` → JSON `message` → raw text.
enum ErrorBody {
  static func message(_ body: [UInt8]) -> String {
    if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
      if let error = object["error"] as? String { return oneLine(error) }
      if let message = object["message"] as? String { return oneLine(message) }
    }
    let text = oneLine(String(decoding: body.prefix(500), as: UTF8.self))
    return text.isEmpty ? "(empty body)" : text
  }

  static func oneLine(_ text: String) -> String {
    ServerText.escapingControls(
      text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces))
  }
}

/// `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3).
public enum RetryAfter {
  public static func seconds(_ value: String, now: Date = Date()) -> Double? {
    let trimmed = value.trimmingCharacters(in: .whitespaces)
    if let seconds = Double(trimmed), seconds >= 0 { return seconds }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: trimmed) else { return nil }
    return max(0, date.timeIntervalSince(now))
  }
}
