/// Parses `application/x-www-form-urlencoded` query strings.
enum QueryString {
  /// Splits `uri` into its path and decoded parameters (in order, duplicates kept).
  static func split(uri: String) -> (path: String, parameters: [(String, String)]) {
    guard let mark = uri.firstIndex(of: "?") else { return (uri, []) }
    let path = String(uri[..<mark])
    let query = uri[uri.index(after: mark)...]
    var parameters: [(String, String)] = []
    for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
      if let equals = pair.firstIndex(of: "=") {
        parameters.append(
          (decode(pair[..<equals]), decode(pair[pair.index(after: equals)...])))
      } else {
        parameters.append((decode(pair), ""))
      }
    }
    return (path, parameters)
  }

  /// Percent-decodes and turns `+` into a space. Invalid escapes are kept literally.
  static func decode(_ text: Substring) -> String {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "+") {
        out.append(UInt8(ascii: " "))
      } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
        let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
      {
        out.append(high << 4 | low)
        index += 2
      } else {
        out.append(byte)
      }
      index += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
