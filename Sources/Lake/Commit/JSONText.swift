import Foundation

/// Stable, readable JSON for the lake's own files.
public enum JSONText {
  public static func encode(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Encoding our own plain structs cannot fail.
    return Array(try! encoder.encode(value)) + [0x0A]
  }
}
