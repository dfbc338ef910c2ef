/// Text a server sent, made safe to show: C0 control characters and DEL become `\u001b`-style
/// escapes, so an error body or a bad line never drives the terminal it is printed on (ESC
/// sequences, CR overwriting the line, BEL, NUL).
public enum ServerText {
  public static func escapingControls(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      if isControl(scalar) {
        out += unicodeEscape(scalar)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// `\u001b` for ESC: the JSON form of a scalar below U+10000.
  static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16)
    return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || scalar.value == 0x7F
  }
}
