import Foundation
import NDJSON
import Testing

/// FlatRecord against the same transformation done the slow way with Foundation: parse, rename
/// the properties, replace `time`, compare the objects. Over realistic events and every mutation
/// of them the validator accepts.
@Suite("FlatRecord against Foundation")
struct FlatRecordOracleTests {
  static func object(_ bytes: [UInt8]) -> NSDictionary? {
    (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) as? NSDictionary
  }

  /// The flat record Foundation's way, or nil when the comparison would not be meaningful
  /// (escaped keys decode differently from their bytes; repeated keys collapse).
  static func expected(_ line: [UInt8], utc: Int64) -> NSDictionary? {
    guard !String(decoding: line, as: UTF8.self).contains("\\u"), let input = object(line) else { return nil }
    var names: [String] = []
    var pairs: [(String, Any)] = []
    for case let (key as String, value) in input {
      guard key == "properties", let properties = value as? NSDictionary else {
        pairs.append((key, value))
        continue
      }
      for case let (name as String, property) in properties {
        if name == "time" {
          pairs.append(("time", "2024-06-01T12:05:12Z"))
        } else if name.hasPrefix("$") {
          pairs.append(("mp_reserved_" + name.dropFirst(), property))
        } else {
          let taken =
            name == "day" || name == "event" || name.hasPrefix("mp_reserved_") || name.hasPrefix("property_")
          pairs.append((taken ? "property_" + name : name, property))
        }
      }
    }
    names = pairs.map(\.0)
    guard Set(names).count == names.count else { return nil }
    return NSDictionary(dictionary: Dictionary(uniqueKeysWithValues: pairs))
  }

  @Test("flat records equal Foundation's transformation on seeds and accepted mutations")
  func agreesWithFoundation() throws {
    let utc: Int64 = 1_717_243_512
    let lines =
      ScannerOracleTests.seeds.map { Array($0.utf8) }
      + ScannerOracleTests.mutations(count: 6000, seed: 99).filter { (try? JSONLineScanner.scan($0)) != nil }
    var compared = 0
    for line in lines {
      guard let expected = Self.expected(line, utc: utc) else { continue }
      var output: [UInt8] = []
      line.withUnsafeBytes { FlatRecord.write($0, utcSeconds: utc, into: &output) }
      let flat = Self.object(output)
      #expect(
        flat == expected,
        "\(String(decoding: line, as: UTF8.self)) → \(String(decoding: output, as: UTF8.self))")
      #expect(output.count <= FlatRecord.maxBytes(forLineOf: line.count))
      compared += 1
    }
    #expect(compared > 500, "compared \(compared)")
  }

  @Test("the output bound holds for the worst case: one-byte $ keys")
  func worstCaseBound() {
    let members = (0..<200).map { _ in #""$":1"# }.joined(separator: ",")
    let line = Array(#"{"properties":{"time":1,\#(members)},"day":2}"#.utf8)
    var output: [UInt8] = []
    line.withUnsafeBytes { FlatRecord.write($0, utcSeconds: 1, into: &output) }
    #expect(output.count <= FlatRecord.maxBytes(forLineOf: line.count))
    #expect(
      String(decoding: output, as: UTF8.self).hasPrefix(#"{"time":"1970-01-01T00:00:01Z","mp_reserved_":1,"#))
  }
}
