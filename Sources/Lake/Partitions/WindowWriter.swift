public import CalendarDay

/// Everything one window writes: a partition writer per day it asked for, plus one for lines
/// whose day falls outside it (`_out_of_window/`). Nothing it writes is visible until
/// ``commit(committedAt:)``; ``discard()`` leaves the lake as it was.
///
/// ```
///  line + day ──► day in window? ──yes──► export/day=D/.part-W-00000.jsonl.zst.tmp
///                      │no: before F / after T
///                      └──────────────► export/_out_of_window/requested_day=F|T/.part-….tmp
/// ```
///
/// A window's commit replaces the out-of-window folder of every day it asked for (emptying
/// those it has no line for), so a line is kept once whatever windows later runs use.
public final class WindowWriter {
  public let window: ManifestWindow
  public let days: ClosedRange<Day>
  private let lakeRoot: String
  private let stream: String
  private let runID: String
  private let settings: WriterSettings
  private var partitions: [PartitionWriter?]
  private var lastUse: [Int]
  /// Lines dated before the window (index 0) and after it (index 1).
  private var outOfWindow: [PartitionWriter?] = [nil, nil]
  /// Records of malformed lines (`malformed_lines: quarantine`).
  private var quarantine: PartitionWriter?
  private var openIndices: [Int] = []
  private var lastIndex = -1
  private var clock = 0

  public init(
    lakeRoot: String, stream: String, window: ManifestWindow, days: ClosedRange<Day>, runID: String,
    settings: WriterSettings
  ) {
    self.lakeRoot = lakeRoot
    self.stream = stream
    self.window = window
    self.days = days
    self.runID = runID
    self.settings = settings
    let count = days.lowerBound.distance(to: days.upperBound) + 1
    self.partitions = Array(repeating: nil, count: count)
    self.lastUse = Array(repeating: 0, count: count)
  }

  /// The folder of a day's partition, relative to the lake root.
  public static func partitionPath(stream: String, day: Day) -> String {
    LakeLayout.dayPartition(stream: stream, day: day)
  }

  /// Adds one line (without its newline) to the partition of `day`.
  public func append(_ line: UnsafeRawBufferPointer, day: Day, time: Int64?) throws(LakeError) {
    let index = days.lowerBound.distance(to: day)
    guard index >= 0, index < partitions.count else {
      try outOfWindowWriter(after: index >= 0).append(line, time: time)
      return
    }
    if index != lastIndex { try activate(index) }
    try partitions[index]!.append(line, time: time)
  }

  private func activate(_ index: Int) throws(LakeError) {
    lastIndex = index
    clock += 1
    lastUse[index] = clock
    if partitions[index] == nil {
      partitions[index] = PartitionWriter(
        lakeRoot: lakeRoot,
        relativePath: Self.partitionPath(stream: stream, day: days.lowerBound.adding(days: index)),
        windowID: window.id, settings: settings)
    }
    guard !openIndices.contains(index) else { return }
    if openIndices.count >= settings.maxOpenParts,
      let coldest = openIndices.min(by: { lastUse[$0] < lastUse[$1] })
    {
      try partitions[coldest]?.suspend()
      openIndices.removeAll { $0 == coldest }
    }
    openIndices.append(index)
  }

  private func outOfWindowWriter(after: Bool) throws(LakeError) -> PartitionWriter {
    if let writer = outOfWindow[after ? 1 : 0] { return writer }
    let writer = PartitionWriter(
      lakeRoot: lakeRoot,
      relativePath: LakeLayout.outOfWindow(
        stream: stream, requestedDay: after ? days.upperBound : days.lowerBound),
      windowID: window.id, settings: settings)
    outOfWindow[after ? 1 : 0] = writer
    return writer
  }

  /// Sets aside one record about a malformed line (a compact JSON object, no newline) in
  /// `_quarantine/requested_day=<first day>/`; committed with the window, not counted as a row.
  public func quarantine(_ record: [UInt8]) throws(LakeError) {
    let writer =
      quarantine
      ?? PartitionWriter(
        lakeRoot: lakeRoot,
        relativePath: LakeLayout.quarantine(stream: stream, requestedDay: days.lowerBound),
        windowID: window.id, settings: settings)
    quarantine = writer
    var failure: LakeError?
    record.withUnsafeBytes { raw in
      do throws(LakeError) { try writer.append(raw, time: nil) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// Rows appended so far to each day of the window, in order (empty days included).
  public var rowsPerDay: [(day: Day, rows: Int)] {
    partitions.enumerated().map { (days.lowerBound.adding(days: $0.offset), $0.element?.rows ?? 0) }
  }

  /// Rows appended so far.
  public var rows: Int { (partitions + outOfWindow).reduce(0) { $0 + ($1?.rows ?? 0) } }

  /// Makes the window visible: every day it asked for gets a manifest listing exactly the new
  /// files (an empty day gets an empty manifest), and files of earlier runs are removed.
  ///
  /// Two phases: first every part file of the window is finished and fsynced (a failure here,
  /// such as a full disk, leaves the lake exactly as it was); then each partition is switched
  /// over by its own manifest (``PartitionCommitter``: a failure before a partition's manifest is
  /// replaced leaves that partition as it was, after it the partition is the new one). Should the
  /// second phase fail half-way, every partition is still either old or new, and the bookmark has
  /// not moved, so the next run repairs the window.
  public func commit(committedAt: Int64) throws(LakeError) -> WindowCommitSummary {
    var finished: [(day: Day?, relative: String, files: [ManifestFile], writer: PartitionWriter?)] = []
    for (index, writer) in partitions.enumerated() {
      let day = days.lowerBound.adding(days: index)
      finished.append(
        (day, Self.partitionPath(stream: stream, day: day), try writer?.finishAll() ?? [], writer))
    }
    for writer in outOfWindow.compactMap({ $0 }) {
      finished.append((nil, writer.relativePath, try writer.finishAll(), writer))
    }
    if let quarantine {
      finished.append((nil, quarantine.relativePath, try quarantine.finishAll(), quarantine))
    }
    // Earlier fetches of these days kept out-of-window lines; this one has its own (or none):
    // replace theirs too.
    let written = Set(finished.map(\.relative))
    for stale in staleOutOfWindowFolders() where !written.contains(stale) {
      finished.append((nil, stale, [], nil))
    }
    var summary = WindowCommitSummary(window: window)
    for entry in finished {
      let manifest = makeManifest(entry.relative, files: entry.files, committedAt: committedAt)
      let directory = "\(lakeRoot)/\(entry.relative)"
      try settings.fence?.check()
      try PartitionCommitter.switchOver(
        manifest, directory: directory, failureInjector: settings.failureInjector)
      // Committed: its files now belong to the partition, and a later discard must not touch them
      // (they have their final names now), even if the clean-up below fails.
      entry.writer?.markCommitted()
      try PartitionCommitter.cleanUp(
        manifest, directory: directory, failureInjector: settings.failureInjector)
      summary.add(
        manifest, day: entry.day,
        quarantined: entry.relative.hasPrefix(LakeLayout.quarantineRoot(stream: stream)))
    }
    return summary
  }

  /// The out-of-window and quarantine folders earlier fetches of this window's days left:
  /// `requested_day=R` for R in the window, and (from earlier versions) `window=F_T` with F and
  /// T in the window.
  private func staleOutOfWindowFolders() -> [String] {
    [LakeLayout.outOfWindowRoot(stream: stream), LakeLayout.quarantineRoot(stream: stream)].flatMap {
      root -> [String] in
      guard let names = try? FileSystem.list("\(lakeRoot)/\(root)") else { return [] }
      return names.sorted().filter { name in
        if name.hasPrefix("requested_day="), let day = Day(String(name.dropFirst(14))) {
          return days.contains(day)
        }
        if let range = LakeLayout.legacyOutOfWindowRange(name) {
          return days.contains(range.from) && days.contains(range.to)
        }
        return false
      }.map { "\(root)/\($0)" }
    }
  }

  private func makeManifest(_ relative: String, files: [ManifestFile], committedAt: Int64) -> Manifest {
    Manifest(
      formatVersion: Manifest.currentFormatVersion, stream: stream, partition: relative,
      window: window, runID: runID, committedAt: Timestamp.iso8601(committedAt),
      compression: settings.compression.rawValue, rows: files.reduce(0) { $0 + $1.rows },
      bytes: files.reduce(0) { $0 + $1.bytes },
      uncompressedBytes: files.reduce(0) { $0 + $1.uncompressedBytes },
      minTime: files.compactMap(\.minTime).min(), maxTime: files.compactMap(\.maxTime).max(),
      files: files)
  }

  /// Removes every temporary file of the window; committed partitions stay as they were.
  public func discard() {
    for writer in partitions + outOfWindow + [quarantine] { writer?.discard() }
  }
}

/// What a committed window added to the lake.
public struct WindowCommitSummary: Sendable {
  public let window: ManifestWindow
  public private(set) var rowsPerDay: [(day: Day, rows: Int)] = []
  public private(set) var rows = 0
  public private(set) var outOfWindowRows = 0
  /// Malformed lines set aside in `_quarantine/` (not in `rows`).
  public private(set) var quarantinedLines = 0
  public private(set) var files = 0
  public private(set) var storedBytes = 0
  public private(set) var uncompressedBytes = 0
  /// The greatest event time committed, as ISO-8601 text.
  public private(set) var maxTime: String?
  /// Lines dropped as repeats by the caller's dedupe (not written, so not in `rows`).
  public var duplicatesDropped = 0
  /// From the request to the answer's last byte, as the caller measured it (nil: not measured).
  public var seconds: Double?

  /// A window that committed nothing.
  public init(window: ManifestWindow) {
    self.window = window
  }

  mutating func add(_ manifest: Manifest, day: Day?, quarantined: Bool = false) {
    if quarantined {
      quarantinedLines += manifest.rows
      files += manifest.files.count
      storedBytes += manifest.bytes
      uncompressedBytes += manifest.uncompressedBytes
      return
    }
    if let day {
      rowsPerDay.append((day, manifest.rows))
      if let time = manifest.maxTime, maxTime.map({ time > $0 }) ?? true { maxTime = time }
    } else {
      outOfWindowRows += manifest.rows
    }
    rows += manifest.rows
    files += manifest.files.count
    storedBytes += manifest.bytes
    uncompressedBytes += manifest.uncompressedBytes
  }
}
