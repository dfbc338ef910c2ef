import Testing

@testable import NDJSON

@Suite("PropertyTypeTally: the types of properties' members, gathered while validating")
struct PropertyTypeTallyTests {
  static func tally(_ lines: [String]) throws -> [String: PropertyTypeTally.Types] {
    let tally = PropertyTypeTally()
    for line in lines {
      _ = try Array(line.utf8).withUnsafeBytes { try JSONLineScanner.scan($0, tally: tally) }
    }
    return Dictionary(
      uniqueKeysWithValues: tally.keysAndTypes.map { (String(decoding: $0.key, as: UTF8.self), $0.types) })
  }

  @Test(
    "each member of properties gets the bits of the types its values showed; other objects are not counted")
  func types() throws {
    let seen = try Self.tally([
      #"{"event":"a","properties":{"time":1,"s":"x","f":1.5,"e":2e3,"b":true,"n":null,"o":{"k":1},"l":[1],"m":-3}}"#,
      #"{"event":"b","properties":{"time":2,"s":7,"f":2,"b":false,"n":"y"},"other":{"z":1}}"#,
    ])
    #expect(seen["time"] == [.integer])
    #expect(seen["s"] == [.string, .integer])
    #expect(seen["f"] == [.fraction, .integer])
    #expect(seen["e"] == [.fraction])
    #expect(seen["b"] == [.boolean])
    #expect(seen["n"] == [.null, .string])
    #expect(seen["o"] == [.object] && seen["l"] == [.array] && seen["m"] == [.integer])
    #expect(
      seen["k"] == nil && seen["z"] == nil && seen["event"] == nil,
      "nested and top-level keys are not properties")
  }

  @Test("keys are kept as their bytes between the quotes (escapes too), and a table of 1,000 keys grows")
  func keys() throws {
    var lines = [#"{"event":"a","properties":{"a\"b":1,"ключ":"x","a\"b":"y"}}"#]
    lines.append(
      #"{"event":"a","properties":{"# + (0..<1_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}}")
    let seen = try Self.tally(lines)
    #expect(seen[#"a\"b"#] == [.integer, .string])
    #expect(seen["ключ"] == [.string])
    #expect(seen.count == 1_002 && (0..<1_000).allSatisfy { seen["k\($0)"] == [.integer] })
  }
}
