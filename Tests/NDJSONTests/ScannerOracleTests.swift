import Foundation
import NDJSON
import Testing

/// The validator against an independent one: Python's `json` module (strict: no NaN or
/// Infinity, no control characters in strings, UTF-8 checked by the decoder), over thousands of
/// lines made by mutating realistic Mixpanel events one byte at a time.
@Suite("JSONLineScanner against Python's json")
struct ScannerOracleTests {
  static let seeds: [String] = [
    #"{"event":"Logged In","properties":{"time":1793423018,"distinct_id":"user_90662","$insert_id":"ad78531708377939f8ff8013c2d15bdf","mp_lib":"python","empty_object":{},"empty_array":[],"referrer":"","pi":3.141592653589793,"Ключ с пробелом":4,"$city":"東京","plan":null,"amount":193.11,"ratio":4.9e-5,"invited":false,"tags":["ünïcödé","vip"],"utm":{"source":"partner \"A\"","campaign":{"id":535,"active":true,"budget":null}},"balance_delta":-400407076,"comment":"C:\\Users\\fake\\file.txt","emoji":"🎉 ok"}}"#,
    #"{ "event" : "Signed Up" , "properties" : { "time" : 1717243512.5 , "distinct_id" : 42 , "nested" : [ [ 1 , -0.5e+3 , 0 ] , { } , [ ] ] , "s" : "tab\tnew\nline\/ \u00e9" } }"#,
    #"{"event":"a","properties":{"time":-1,"x":[true,false,null,"",{"y":[{"z":0}]}],"long":"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"}}"#,
  ]

  /// Bytes a mutation writes: structure, string and number syntax, whitespace, control bytes and
  /// bytes that break or start UTF-8 sequences.
  static let alphabet: [UInt8] =
    Array(#"{}[]:,"\/0123456789-+.eEtrufalsnu "#.utf8) + [
      0x09, 0x0A, 0x0D, 0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF5, 0xFF,
    ]

  static func mutations(count: Int, seed: UInt64) -> [[UInt8]] {
    var state = seed
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    var lines: [[UInt8]] = []
    for index in 0..<count {
      var line = Array(seeds[index % seeds.count].utf8)
      for _ in 0...next(2) {
        let at = next(line.count)
        switch next(4) {
        case 0: line[at] = alphabet[next(alphabet.count)]
        case 1: line.insert(alphabet[next(alphabet.count)], at: at)
        case 2: line.remove(at: at)
        default: line = Array(line[..<max(1, at)])
        }
      }
      lines.append(line)
    }
    return lines
  }

  /// Python's verdict per line: "1" when it is a JSON object, "0" otherwise.
  static func pythonVerdicts(_ lines: [[UInt8]]) throws -> [Bool] {
    let script = """
      import base64, json, sys
      def no_constants(name):
          raise ValueError(name)
      for row in sys.stdin:
          data = base64.b64decode(row)
          try:
              ok = isinstance(json.loads(data.decode("utf-8"), parse_constant=no_constants), dict)
          except ValueError:
              ok = False
          print(1 if ok else 0)
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let payload = lines.map { Data($0).base64EncodedString() }.joined(separator: "\n") + "\n"
    // Python reads everything before it answers; write, close, then read its answer.
    try input.fileHandleForWriting.write(contentsOf: Data(payload.utf8))
    try input.fileHandleForWriting.close()
    let answer = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: answer, as: UTF8.self).split(separator: "\n").map { $0 == "1" }
  }

  @Test("accepts and rejects exactly what Python's json does, on 6,000 mutated events")
  func agreesWithPython() throws {
    for seed in Self.seeds { _ = try JSONLineScanner.scan(Array(seed.utf8)) }
    let lines = Self.mutations(count: 6000, seed: 2026)
    let verdicts = try Self.pythonVerdicts(lines)
    try #require(verdicts.count == lines.count)
    var accepted = 0
    for (line, valid) in zip(lines, verdicts) {
      let ours = (try? JSONLineScanner.scan(line)) != nil
      if ours { accepted += 1 }
      #expect(ours == valid, "\(String(decoding: line, as: UTF8.self).debugDescription)")
    }
    // Both verdicts occur often enough for the comparison to mean something.
    #expect(accepted > 600 && accepted < 5400, "accepted \(accepted) of \(lines.count)")
  }

  /// With a type tally, a key that is the one the tally expects next is recognised by comparing
  /// its bytes with that (already validated) key, not scanned: mutations inside keys, and lines
  /// between seeds that keep the tally's predictions warm, must give the same verdicts and fields.
  @Test("with a type tally (keys recognised by prediction) the verdicts and fields are the same")
  func agreesWithPythonWithTally() throws {
    let lines = Self.mutations(count: 6000, seed: 2027)
    let verdicts = try Self.pythonVerdicts(lines)
    try #require(verdicts.count == lines.count)
    let tally = PropertyTypeTally()
    for (index, (line, valid)) in zip(lines, verdicts).enumerated() {
      // A seed before each mutation, so the mutation's keys meet the seed's predictions.
      let seed = Array(Self.seeds[index % Self.seeds.count].utf8)
      _ = try seed.withUnsafeBytes { try JSONLineScanner.scan($0, tally: tally) }
      let withTally = line.withUnsafeBytes { try? JSONLineScanner.scan($0, tally: tally) }
      let without = try? JSONLineScanner.scan(line)
      #expect((withTally != nil) == valid, "\(String(decoding: line, as: UTF8.self).debugDescription)")
      #expect(withTally == without, "\(String(decoding: line, as: UTF8.self).debugDescription)")
    }
  }
}
