import NDJSON
import Testing

@Suite("LineFramer")
struct LineFramerTests {
  /// The oracle: split on `\n`, drop a trailing `\r`, skip empty lines.
  static func simpleSplit(_ text: [UInt8]) -> [[UInt8]] {
    text.split(separator: 0x0A, omittingEmptySubsequences: false).compactMap { piece in
      var line = Array(piece)
      if line.last == 0x0D { line.removeLast() }
      return line.isEmpty ? nil : line
    }
  }

  static func frame(_ text: [UInt8], chunkSize: Int) throws -> [[UInt8]] {
    var framer = LineFramer()
    var lines: [[UInt8]] = []
    var offset = 0
    while offset < text.count {
      let end = min(offset + chunkSize, text.count)
      try framer.feed(Array(text[offset..<end])) { lines.append(Array($0)) }
      offset = end
    }
    try framer.finish { lines.append(Array($0)) }
    return lines
  }

  static let sample: [UInt8] = Array(
    """
    {"event":"a","properties":{"time":1,"s":"Zürich 東京 🎉"}}
    {"event":"b","properties":{"time":2}}\r
    \r

    {"event":"c","properties":{"time":3,"long":"\(String(repeating: "x", count: 5000))"}}
    {"event":"d","properties":{"time":4}}
    """.utf8)

  @Test(
    "framing in chunks of any size equals a simple split",
    arguments: [1, 2, 3, 5, 7, 64, 500, 4096, 1 << 20])
  func chunkingOracle(chunkSize: Int) throws {
    let withNewline = Self.sample + [0x0A]
    #expect(try Self.frame(Self.sample, chunkSize: chunkSize) == Self.simpleSplit(Self.sample))
    #expect(try Self.frame(withNewline, chunkSize: chunkSize) == Self.simpleSplit(withNewline))
  }

  @Test("a last line without a newline is delivered only by finish")
  func lastLineWaitsForFinish() throws {
    var framer = LineFramer()
    var lines: [String] = []
    try framer.feed(Array("{}\n{\"a\"".utf8)) { lines.append(String(decoding: $0, as: UTF8.self)) }
    #expect(lines == ["{}"])
    #expect(framer.hasPartialLine)
    try framer.finish { lines.append(String(decoding: $0, as: UTF8.self)) }
    #expect(lines == ["{}", "{\"a\""])
  }

  @Test("a line longer than the limit is refused instead of buffered")
  func lineTooLong() {
    var framer = LineFramer(maxLineBytes: 16)
    #expect(throws: NDJSONError.lineTooLong(limit: 16)) {
      for _ in 0..<10 { try framer.feed(Array("abcd".utf8)) { _ in } }
    }
  }

  @Test("an empty body gives no lines")
  func emptyBody() throws {
    #expect(try Self.frame([], chunkSize: 7).isEmpty)
    #expect(try Self.frame(Array("\n\r\n\n".utf8), chunkSize: 1).isEmpty)
  }
}
