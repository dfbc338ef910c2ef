import CalendarDay
import Foundation
import Testing

@testable import Lake

/// The window and partition writers on their own, without HTTP: part files roll at
/// `maxPartBytes`, the least recently used day is suspended past `maxOpenParts`, and in both
/// cases the manifest lists files whose lines, read in the manifest's order, are exactly the
/// lines appended, each in its own day.
@Suite struct WindowWriterTests {
  static let first = Day("2024-06-01")!

  final class Scratch {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lake-writer-\(UUID().uuidString)"
    ).path
    deinit { try? FileManager.default.removeItem(atPath: root) }

    func writer(days: Int, settings: WriterSettings) -> WindowWriter {
      let last = WindowWriterTests.first.adding(days: days - 1)
      return WindowWriter(
        lakeRoot: root, stream: "export",
        window: ManifestWindow(id: "w1", fromDate: "\(WindowWriterTests.first)", toDate: "\(last)"),
        days: WindowWriterTests.first...last, runID: "run-1", settings: settings)
    }

    /// The lines of a day, read through its manifest in the manifest's order; checks each
    /// listed file's size, hash and rows on the way.
    func committedLines(_ day: Day) throws -> (lines: [String], files: Int) {
      let directory = "\(root)/export/day=\(day)"
      let manifest = try #require(try ManifestStore.read(directory: directory))
      var lines: [String] = []
      for file in manifest.files {
        let stored = try FileSystem.read("\(directory)/\(file.path)")
        #expect(stored.count == file.bytes)
        #expect(SHA256.hash(stored) == file.sha256)
        let compression: Compression = file.path.hasSuffix(".gz") ? .gzip : .zstd
        let text = try StreamingDecompressor.decompressAll(stored, compression)
        let fileLines = text.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        #expect(fileLines.count == file.rows)
        lines += fileLines
      }
      #expect(manifest.rows == lines.count)
      let visible = try FileSystem.list(directory).filter { $0.hasPrefix("part-") }.sorted()
      #expect(visible == manifest.files.map(\.path).sorted(), "exactly the listed parts are visible")
      return (lines, manifest.files.count)
    }
  }

  /// A line that compresses poorly, so a few of them fill a small part.
  static func line(day: Int, index: Int) -> String {
    var state = UInt64(day * 1_000_003 + index) &* 0x9E37_79B9_7F4A_7C15
    var pad = ""
    for _ in 0..<6 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      pad += String(state >> 1, radix: 16)
    }
    return #"{"event":"e","properties":{"day":\#(day),"i":\#(index),"pad":"\#(pad)"}}"#
  }

  static func append(_ text: String, to writer: WindowWriter, day: Day) throws {
    try Array(text.utf8).withUnsafeBytes { try writer.append($0, day: day, time: day.startEpochSeconds) }
  }

  @Test(
    "parts roll at maxPartBytes: several files, every line once and in order",
    arguments: [Compression.zstd, .gzip])
  func partsRoll(compression: Compression) throws {
    let scratch = Scratch()
    let writer = scratch.writer(
      days: 1, settings: WriterSettings(compression: compression, maxPartBytes: 8 << 10))
    let expected = (0..<3_000).map { Self.line(day: 0, index: $0) }
    for line in expected { try Self.append(line, to: writer, day: Self.first) }
    let summary = try writer.commit(committedAt: 1_717_200_000)
    #expect(summary.rows == expected.count)
    let (lines, files) = try scratch.committedLines(Self.first)
    #expect(files >= 2, "several parts")
    // A part closes once its compressed bytes pass maxPartBytes; they are counted as the codec
    // emits them, so a part overshoots by at most what the codec buffers (a zstd block).
    let sizes = try #require(try ManifestStore.read(directory: "\(scratch.root)/export/day=\(Self.first)"))
      .files.map(\.bytes)
    #expect(sizes.dropLast().allSatisfy { $0 >= 8 << 10 }, "\(sizes)")
    #expect(sizes.allSatisfy { $0 <= (8 << 10) + (128 << 10) }, "\(sizes)")
    #expect(files == summary.files)
    #expect(lines == expected)
  }

  @Test(
    "past maxOpenParts the least recently used day is suspended and resumed in a new part; nothing is lost or reordered"
  )
  func openPartsAreEvicted() throws {
    let scratch = Scratch()
    let days = 5
    let writer = scratch.writer(days: days, settings: WriterSettings(compression: .zstd, maxOpenParts: 2))
    var expected = Array(repeating: [String](), count: days)
    // Round robin over five days with two open parts: every switch suspends one.
    for index in 0..<200 {
      let day = index % days
      let line = Self.line(day: day, index: index)
      expected[day].append(line)
      try Self.append(line, to: writer, day: Self.first.adding(days: day))
    }
    _ = try writer.commit(committedAt: 1_717_200_000)
    for day in 0..<days {
      let (lines, files) = try scratch.committedLines(Self.first.adding(days: day))
      #expect(lines == expected[day], "day \(day)")
      #expect(files > 1, "day \(day) was suspended and resumed in new parts")
    }
  }

  @Test(
    "out-of-window lines are kept by requested day: a rerun with other windows replaces them, never doubles them"
  )
  func outOfWindowReplacedByRequestedDay() throws {
    let scratch = Scratch()
    func window(_ from: Day, _ to: Day) -> WindowWriter {
      WindowWriter(
        lakeRoot: scratch.root, stream: "export",
        window: ManifestWindow(id: "w-\(from)-\(to)", fromDate: "\(from)", toDate: "\(to)"), days: from...to,
        runID: "run", settings: WriterSettings())
    }
    /// Every committed line of the export stream, through the manifests.
    func committed() throws -> [String] {
      var lines: [String] = []
      var folders = try FileSystem.list("\(scratch.root)/export").filter { $0.hasPrefix("day=") }
        .map { "export/\($0)" }
      folders += try FileSystem.list("\(scratch.root)/export/_out_of_window").map {
        "export/_out_of_window/\($0)"
      }
      for folder in folders {
        let directory = "\(scratch.root)/\(folder)"
        // A folder without a manifest is invisible to manifest readers.
        for file in try ManifestStore.read(directory: directory)?.files ?? [] {
          let text = try StreamingDecompressor.decompressAll(
            try FileSystem.read("\(directory)/\(file.path)"), .zstd)
          lines += text.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        }
      }
      return lines.sorted()
    }
    let (early, inside, late) = (
      Self.line(day: 0, index: 0), Self.line(day: 2, index: 0), Self.line(day: 4, index: 0)
    )
    let first = Self.first
    // Run 1: window June 1–3 gets a line of May 31 and one of June 4.
    let a = window(first, first.adding(days: 2))
    try Self.append(early, to: a, day: first.adding(days: -1))
    try Self.append(inside, to: a, day: first.adding(days: 1))
    try Self.append(late, to: a, day: first.adding(days: 3))
    _ = try a.commit(committedAt: 1)
    #expect(
      try FileSystem.list("\(scratch.root)/export/_out_of_window").sorted() == [
        "requested_day=2024-06-01", "requested_day=2024-06-03",
      ])
    // A folder an earlier version wrote for the same window, with the late line in it too.
    let legacy = "\(scratch.root)/export/_out_of_window/window=2024-06-01_2024-06-03"
    try FileSystem.makeDirectories(legacy)
    try FileSystem.writeAtomically(
      try StreamingCompressor.compressAll(Array((late + "\n").utf8), .zstd, level: 3),
      to: "\(legacy)/part-old.jsonl.zst")
    #expect(try committed().filter { $0 == late }.count == 1, "the legacy folder has no manifest yet")
    // Run 2: one window June 1–5; June 4's line is now inside it.
    let b = window(first, first.adding(days: 4))
    try Self.append(early, to: b, day: first.adding(days: -1))
    try Self.append(inside, to: b, day: first.adding(days: 1))
    try Self.append(late, to: b, day: first.adding(days: 3))
    _ = try b.commit(committedAt: 2)
    #expect(try committed() == [early, inside, late].sorted(), "each line once")
    #expect(!FileManager.default.fileExists(atPath: "\(legacy)/part-old.jsonl.zst"))
  }

  @Test("a day the window asked for but got no line for is committed as an empty manifest")
  func emptyDayGetsEmptyManifest() throws {
    let scratch = Scratch()
    let writer = scratch.writer(days: 2, settings: WriterSettings())
    try Self.append(Self.line(day: 0, index: 0), to: writer, day: Self.first)
    #expect(writer.rowsPerDay.map(\.rows) == [1, 0])
    _ = try writer.commit(committedAt: 1_717_200_000)
    let (lines, files) = try scratch.committedLines(Self.first.adding(days: 1))
    #expect(lines.isEmpty && files == 0)
  }

  @Test("discard leaves no file and no folder it created")
  func discardLeavesNothing() throws {
    let scratch = Scratch()
    let writer = scratch.writer(days: 3, settings: WriterSettings(maxPartBytes: 4 << 10))
    for index in 0..<500 {
      try Self.append(Self.line(day: 1, index: index), to: writer, day: Self.first.adding(days: 1))
    }
    writer.discard()
    let left = (try? FileManager.default.subpathsOfDirectory(atPath: "\(scratch.root)/export")) ?? []
    #expect(left.isEmpty, "\(left)")
  }
}
