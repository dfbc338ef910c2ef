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

  @Test("a key recognised by prediction keeps its meaning: an escaped \"time\" is not time; order changes")
  func predictedKeys() throws {
    let tally = PropertyTypeTally()
    let lines = [
      #"{"event":"a","properties":{"ti\u006de":5,"time":7,"distinct_id":"u","$insert_id":"i","x":1}}"#,
      #"{"event":"a","properties":{"ti\u006de":6,"time":8,"distinct_id":"v","$insert_id":"j","x":"s"}}"#,
      #"{"event":"a","properties":{"time":9,"ti\u006de":6,"x":2.5,"$insert_id":"k","distinct_id":3}}"#,
      #"{"event":"a","properties":{"time":10,"ti\u006de":6,"x":null,"$insert_id":"l","distinct_id":4}}"#,
      #"{"event":"a","properties":{"tim":1,"time":11,"t":true,"distinct_id":5}}"#,
    ]
    var times: [Int64?] = []
    for line in lines {
      let bytes = Array(line.utf8)
      let fields = try bytes.withUnsafeBytes { try JSONLineScanner.scan($0, tally: tally) }
      #expect(fields == (try JSONLineScanner.scan(bytes)), "\(line)")
      times.append(fields.time)
    }
    #expect(times == [7, 8, 9, 10, 11])
    let seen = Dictionary(
      uniqueKeysWithValues: tally.keysAndTypes.map { (String(decoding: $0.key, as: UTF8.self), $0.types) })
    #expect(seen[#"ti\u006de"#] == [.integer])
    #expect(seen["x"] == [.integer, .string, .fraction, .null])
    #expect(seen["distinct_id"] == [.string, .integer])
    #expect(seen["tim"] == [.integer] && seen["t"] == [.boolean] && seen.count == 7)
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
