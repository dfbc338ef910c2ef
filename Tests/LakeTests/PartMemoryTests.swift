import CZstd
import CalendarDay
import Foundation
import Testing

@testable import Lake

/// zstd parts as independent frames, and the one frame budget every window in flight shares.
@Suite("Part memory: zstd frames from one shared budget")
struct PartMemoryTests {
  /// The compressed size of each frame in `data`, walking frame headers as a reader would.
  static func frames(_ data: [UInt8]) throws -> [Int] {
    try data.withUnsafeBytes { raw in
      var sizes: [Int] = []
      var offset = 0
      while offset < raw.count {
        let size = ZSTD_findFrameCompressedSize(raw.baseAddress! + offset, raw.count - offset)
        try #require(ZSTD_isError(size) == 0, "a whole frame at \(offset)")
        sizes.append(size)
        offset += size
      }
      return sizes
    }
  }

  static func writeDay(_ lines: [[UInt8]], memory: PartMemory, root: String, window: String = "w1")
    throws -> WindowWriter
  {
    let day = WindowWriterTests.first
    let writer = WindowWriter(
      lakeRoot: root, stream: "export",
      window: ManifestWindow(id: window, fromDate: "\(day)", toDate: "\(day)"), days: day...day,
      runID: "run-1", settings: WriterSettings(compression: .zstd, memory: memory))
    for line in lines {
      try line.withUnsafeBytes { try writer.append($0, day: day, time: day.startEpochSeconds) }
    }
    return writer
  }

  static func lines(_ data: [UInt8]) -> [[UInt8]] {
    data.split(separator: 0x0A).map(Array.init)
  }

  @Test(
    "a part is a sequence of independent frames of about frameBytes each; zstd -d and the lake's reader give every line back, in order"
  )
  func framesDecode() throws {
    let scratch = WindowWriterTests.Scratch()
    let data = CodecTests.sampleNDJSON(byteCount: 1_000_000)
    let lines = Self.lines(data)
    let memory = PartMemory(budget: 64 << 20, frameBytes: 256 << 10)
    let writer = try Self.writeDay(lines, memory: memory, root: scratch.root)
    _ = try writer.commit(committedAt: 1_717_200_000)
    let (read, files) = try scratch.committedLines(WindowWriterTests.first)
    #expect(files == 1 && read == lines.map { String(decoding: $0, as: UTF8.self) })
    let directory = "\(scratch.root)/export/day=\(WindowWriterTests.first)"
    let manifest = try #require(try ManifestStore.read(directory: directory))
    let stored = try FileSystem.read("\(directory)/\(manifest.files[0].path)")
    let frames = try Self.frames(stored)
    // 1 MB in frames of at most 256 KiB: at least 4, each standing alone.
    #expect(frames.count >= 4, "\(frames)")
    var offset = 0
    var joined: [UInt8] = []
    for size in frames {
      joined += try StreamingDecompressor.decompressAll(Array(stored[offset..<offset + size]), .zstd)
      offset += size
    }
    #expect(joined == data)
    #expect(try CodecTests.systemDecompress(stored, .zstd) == data)
    #expect(memory.held == 0, "a committed part gives its frame buffer back")
  }

  @Test(
    "frames of 1 MiB lose under 2 % against one zstd stream of the same lines; a small part (one frame) loses nothing",
    arguments: [6_000_000, 250_000])
  func ratio(bytes: Int) throws {
    let scratch = WindowWriterTests.Scratch()
    let data = CodecTests.sampleNDJSON(byteCount: bytes)
    let writer = try Self.writeDay(Self.lines(data), memory: PartMemory(), root: scratch.root)
    let summary = try writer.commit(committedAt: 1_717_200_000)
    let single = try StreamingCompressor.compressAll(data, .zstd, level: 3)
    let allowed = bytes > PartMemory.defaultFrameBytes ? 1.02 : 1.001
    #expect(
      Double(summary.storedBytes) <= Double(single.count) * allowed,
      "\(summary.storedBytes) vs \(single.count)")
  }

  @Test(
    "60 windows writing at once never hold more than the budget; under pressure frames get smaller, never lost; all of it comes back"
  )
  func budget() throws {
    let memory = PartMemory(budget: 24 << 20, frameBytes: 1 << 20)
    let data = CodecTests.sampleNDJSON(byteCount: 600_000)
    let lines = Self.lines(data)
    var scratches: [WindowWriterTests.Scratch] = []
    var writers: [WindowWriter] = []
    // Interleaved as windows in flight are: each gets a slice of its lines in turn.
    for index in 0..<60 {
      let scratch = WindowWriterTests.Scratch()
      scratches.append(scratch)
      writers.append(try Self.writeDay([], memory: memory, root: scratch.root, window: "w\(index)"))
    }
    let day = WindowWriterTests.first
    for slice in stride(from: 0, to: lines.count, by: 200) {
      for writer in writers {
        for line in lines[slice..<min(slice + 200, lines.count)] {
          try line.withUnsafeBytes { try writer.append($0, day: day, time: day.startEpochSeconds) }
        }
      }
      #expect(memory.held <= memory.budget)
    }
    #expect(memory.peak <= memory.budget, "peak \(memory.peak)")
    #expect(memory.pressureFrames > 0, "60 × 600 kB wanted more than 24 MiB")
    for (index, writer) in writers.enumerated() {
      if index % 2 == 0 {
        _ = try writer.commit(committedAt: 1_717_200_000)
        let (read, _) = try scratches[index].committedLines(day)
        #expect(read.count == lines.count)
      } else {
        writer.discard()
      }
    }
    #expect(memory.held == 0, "committed and discarded parts both give their bytes back")
  }

  @Test(
    "a line bigger than a frame is a frame of its own; the lines around it and it come back whole, and its memory goes back"
  )
  func giantLine() throws {
    let scratch = WindowWriterTests.Scratch()
    let memory = PartMemory(budget: 16 << 20)
    let small = Self.lines(CodecTests.sampleNDJSON(byteCount: 300_000))
    let giant =
      Array(#"{"event":"big","properties":{"blob":""#.utf8)
      + Array(repeating: UInt8(ascii: "x"), count: 3 << 20)
      + Array(#""}}"#.utf8)
    let lines = small + [giant] + small + [giant]
    let writer = try Self.writeDay(lines, memory: memory, root: scratch.root)
    #expect(memory.held <= memory.budget)
    _ = try writer.commit(committedAt: 1_717_200_000)
    let (read, _) = try scratch.committedLines(WindowWriterTests.first)
    #expect(read == lines.map { String(decoding: $0, as: UTF8.self) })
    #expect(memory.held == 0)
  }
}
