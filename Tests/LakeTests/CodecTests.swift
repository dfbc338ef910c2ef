import Foundation
import Lake
import MixpanelFake
import Testing

@Suite struct CodecTests {
  /// Deterministic NDJSON-like sample data with ASCII, Latin-1, CJK and emoji characters.
  static func sampleNDJSON(byteCount: Int, seed: UInt64 = 42) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let events = ["Page View", "Sign Up", "Purchase", "Zürich Visit", "日本語イベント", "Ünïcödé 🎉"]
    let cities = ["Berlin", "São Paulo", "Москва", "東京", "Kraków", "Reykjavík"]
    var output: [UInt8] = []
    output.reserveCapacity(byteCount + 512)
    var time: UInt64 = 1_700_000_000
    while output.count < byteCount {
      time += rng.next() % 5
      let event = events[Int(rng.next() % UInt64(events.count))]
      let city = cities[Int(rng.next() % UInt64(cities.count))]
      let line =
        #"{"event":"\#(event)","properties":{"time":\#(time),"distinct_id":"user-\#(rng.next() % 10_000)","#
        + #""$insert_id":"\#(String(rng.next(), radix: 16))","$city":"\#(city)","value":\#(rng.next() % 1000),"#
        + #""note":"emoji 🚀 \"quoted\" \\ tab\t"}}"# + "\n"
      output.append(contentsOf: line.utf8)
    }
    return output
  }

  /// Uneven chunk sizes cycled through when feeding input.
  static let chunkPattern = [1, 7, 4096, 65536, 1, 13, 7, 65536, 4096, 1]

  static func compressInChunks(
    _ data: [UInt8], _ compression: Compression, level: Int, pattern: [Int] = chunkPattern,
    drainAbove threshold: Int = 256 * 1024
  ) throws -> [UInt8] {
    var compressor = try StreamingCompressor(compression, level: level)
    var file: [UInt8] = []
    var output: [UInt8] = []
    var offset = 0
    var step = 0
    try data.withUnsafeBytes { bytes in
      while offset < bytes.count {
        let size = min(pattern[step % pattern.count], bytes.count - offset)
        try compressor.compress(
          UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + size]), into: &output)
        offset += size
        step += 1
        if output.count > threshold {
          file.append(contentsOf: output)
          output.removeAll(keepingCapacity: true)
        }
      }
    }
    try compressor.finish(into: &output)
    file.append(contentsOf: output)
    return file
  }

  static func decompressInChunks(_ data: [UInt8], _ compression: Compression, pattern: [Int]) throws
    -> [UInt8]
  {
    var decompressor = try StreamingDecompressor(compression)
    var output: [UInt8] = []
    var offset = 0
    var step = 0
    while offset < data.count {
      let size = min(pattern[step % pattern.count], data.count - offset)
      try decompressor.decompress(Array(data[offset..<offset + size]), into: &output)
      offset += size
      step += 1
    }
    try decompressor.finish()
    return output
  }

  static func systemDecompress(_ data: [UInt8], _ compression: Compression) throws -> [UInt8] {
    let tool = try ToolRunner()
    defer { tool.cleanUp() }
    let input = try tool.write(data, name: "input" + compression.fileExtension)
    switch compression {
    case .zstd: return try tool.run("/usr/bin/zstd", ["-q", "-d", "-c", input])
    case .gzip: return try tool.run("/usr/bin/gzip", ["-d", "-c", input])
    }
  }

  static func systemCompress(_ data: [UInt8], _ compression: Compression, level: Int) throws -> [UInt8] {
    let tool = try ToolRunner()
    defer { tool.cleanUp() }
    let input = try tool.write(data, name: "input.jsonl")
    switch compression {
    case .zstd: return try tool.run("/usr/bin/zstd", ["-q", "-\(level)", "-c", input])
    case .gzip: return try tool.run("/usr/bin/gzip", ["-\(level)", "-c", input])
    }
  }

  @Test(arguments: Compression.allCases)
  func roundTripThroughSystemBinary(_ compression: Compression) throws {
    let data = Self.sampleNDJSON(byteCount: 3_000_000)
    let compressed = try Self.compressInChunks(data, compression, level: compression.defaultLevel)
    #expect(compressed.count < data.count / 3)
    let restored = try Self.systemDecompress(compressed, compression)
    #expect(restored.count == data.count)
    #expect(restored == data)
    #expect(try StreamingDecompressor.decompressAll(compressed, compression) == data)
  }

  @Test(arguments: Compression.allCases)
  func singleByteChunks(_ compression: Compression) throws {
    let data = Self.sampleNDJSON(byteCount: 40_000, seed: 7)
    let compressed = try Self.compressInChunks(
      data, compression, level: compression.defaultLevel, pattern: [1])
    #expect(try Self.systemDecompress(compressed, compression) == data)
    #expect(try Self.decompressInChunks(compressed, compression, pattern: [1]) == data)
  }

  @Test(arguments: Compression.allCases)
  func systemBinaryOutputDecompresses(_ compression: Compression) throws {
    let data = Self.sampleNDJSON(byteCount: 2_000_000, seed: 3)
    let compressed = try Self.systemCompress(data, compression, level: compression.defaultLevel)
    #expect(try StreamingDecompressor.decompressAll(compressed, compression) == data)
    #expect(try Self.decompressInChunks(compressed, compression, pattern: Self.chunkPattern) == data)
  }

  @Test(arguments: Compression.allCases)
  func concatenatedFramesDecompress(_ compression: Compression) throws {
    let first = Self.sampleNDJSON(byteCount: 100_000, seed: 1)
    let second = Self.sampleNDJSON(byteCount: 50_000, seed: 2)
    let joined =
      try StreamingCompressor.compressAll(first, compression, level: compression.defaultLevel)
      + Self.systemCompress(second, compression, level: 1)
      + StreamingCompressor.compressAll([], compression, level: compression.defaultLevel)
    #expect(try StreamingDecompressor.decompressAll(joined, compression) == first + second)
    #expect(try Self.decompressInChunks(joined, compression, pattern: [1, 7, 4096]) == first + second)
  }

  @Test(arguments: Compression.allCases)
  func emptyInputProducesValidFile(_ compression: Compression) throws {
    var compressor = try StreamingCompressor(compression, level: compression.defaultLevel)
    var output: [UInt8] = []
    try compressor.compress([], into: &output)
    try compressor.finish(into: &output)
    #expect(!output.isEmpty)
    #expect(try Self.systemDecompress(output, compression).isEmpty)
    #expect(try StreamingDecompressor.decompressAll(output, compression).isEmpty)
  }

  @Test(arguments: Compression.allCases)
  func truncatedOrCorruptInputFails(_ compression: Compression) throws {
    let data = Self.sampleNDJSON(byteCount: 200_000, seed: 5)
    let compressed = try StreamingCompressor.compressAll(data, compression, level: 3)
    #expect(throws: CompressionError.self) {
      try StreamingDecompressor.decompressAll(Array(compressed.dropLast(5)), compression)
    }
    #expect(throws: CompressionError.self) {
      try StreamingDecompressor.decompressAll([], compression)
    }
    var corrupt = compressed
    corrupt[corrupt.count - 6] ^= 0xff  // inside the checksum / CRC trailer region
    #expect(throws: CompressionError.self) {
      try StreamingDecompressor.decompressAll(corrupt, compression)
    }
  }

  @Test(arguments: Compression.allCases)
  func levelsAreRespected(_ compression: Compression) throws {
    let data = Self.sampleNDJSON(byteCount: 1_000_000, seed: 11)
    let fastest = try StreamingCompressor.compressAll(data, compression, level: 1)
    let smallest = try StreamingCompressor.compressAll(
      data, compression, level: compression == .zstd ? 19 : 9)
    #expect(smallest.count <= fastest.count)
    #expect(try StreamingDecompressor.decompressAll(smallest, compression) == data)
  }

  @Test(arguments: Compression.allCases)
  func invalidLevelThrows(_ compression: Compression) throws {
    for level in [0, -1, compression.validLevels.upperBound + 1, 100] {
      #expect(throws: CompressionError.self) {
        _ = try StreamingCompressor(compression, level: level)
      }
      #expect(throws: CompressionError.self) { try compression.validate(level: level) }
    }
    for level in [1, compression.defaultLevel, compression.validLevels.upperBound] {
      _ = try StreamingCompressor(compression, level: level)
    }
  }

  @Test func compressionMetadata() throws {
    #expect(Compression.zstd.fileExtension == ".jsonl.zst")
    #expect(Compression.gzip.fileExtension == ".jsonl.gz")
    #expect(Compression.zstd.defaultLevel == 3)
    #expect(Compression.gzip.defaultLevel == 6)
    #expect(Compression.zstd.validLevels.contains(19))
    #expect(Compression.gzip.validLevels == 1...9)
    #expect(Compression(rawValue: "zstd") == .zstd)
    let error = try #require(throws: CompressionError.self) { try Compression.gzip.validate(level: 10) }
    #expect(error.description.contains("gzip"))
  }

  @Test(arguments: Compression.allCases)
  func finishTwiceThrowsAndResetStartsNewStream(_ compression: Compression) throws {
    var compressor = try StreamingCompressor(compression, level: compression.defaultLevel)
    var output: [UInt8] = []
    try compressor.compress(Array("first\n".utf8), into: &output)
    try compressor.finish(into: &output)
    #expect(throws: CompressionError.self) { try compressor.finish(into: &output) }
    #expect(throws: CompressionError.self) { try compressor.compress([1], into: &output) }
    try compressor.reset()
    var second: [UInt8] = []
    try compressor.compress(Array("second\n".utf8), into: &second)
    try compressor.finish(into: &second)
    #expect(try Self.systemDecompress(output + second, compression) == Array("first\nsecond\n".utf8))
  }
}

extension CodecTests {
  struct ToolFailure: Error, CustomStringConvertible {
    let description: String
  }

  /// Runs system binaries on files in a private temporary directory, capturing stdout via a file.
  struct ToolRunner {
    let directory: URL

    init() throws {
      directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("lake-codec-tests-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func write(_ data: [UInt8], name: String) throws -> String {
      let url = directory.appendingPathComponent(name)
      try Data(data).write(to: url)
      return url.path
    }

    func run(_ executable: String, _ arguments: [String]) throws -> [UInt8] {
      let outputURL = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
      guard FileManager.default.createFile(atPath: outputURL.path, contents: nil) else {
        throw ToolFailure(description: "cannot create \(outputURL.path)")
      }
      let handle = try FileHandle(forWritingTo: outputURL)
      defer { try? handle.close() }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: executable)
      process.arguments = arguments
      process.standardOutput = handle
      try process.run()
      process.waitUntilExit()
      guard process.terminationStatus == 0 else {
        throw ToolFailure(description: "\(executable) \(arguments) exited with \(process.terminationStatus)")
      }
      return [UInt8](try Data(contentsOf: outputURL))
    }

    func cleanUp() {
      try? FileManager.default.removeItem(at: directory)
    }
  }
}
