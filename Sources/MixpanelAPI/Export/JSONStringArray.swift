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
      case _ where scalar.value < 0x20: out += ServerText.unicodeEscape(scalar)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
