public import CalendarDay

/// Writes one full-table snapshot of a stream (engage, cohorts, …) with the same commit protocol
/// as an export partition: hidden temporary part files, rolled at `maxPartBytes`; on
/// ``commit(committedAt:)`` they are renamed, the manifest is written last, and part files the
/// new manifest does not list (an earlier run's) are removed. Until then readers see the
/// previous snapshot; ``discard()`` leaves the lake as it was.
///
/// ```
///  replace mode:   <lake>/engage/part-<run>-00000.jsonl.zst + _manifest.json
///  snapshots mode: <lake>/engage/snapshot_date=2024-07-15/part-<run>-00000.jsonl.zst + _manifest.json
///                  (older snapshot_date= folders stay)
/// ```
public final class SnapshotWriter {
  public let stream: String
  /// The partition folder relative to the lake root (`engage` or `engage/snapshot_date=D`).
  public let relativePath: String
  private let lakeRoot: String
  private let runID: String
  /// The day the snapshot is of.
  public let day: Day
  private let settings: WriterSettings
  private let writer: PartitionWriter
  /// Set once the manifest is in place, even if the clean-up after it failed.
  private var committed = false

  /// - Parameters:
  ///   - snapshotDate: the day the snapshot is of; it names the folder when `dated` is true.
  ///   - dated: write a `snapshot_date=` folder and keep older ones, instead of replacing the
  ///     stream's table in place.
  public init(
    lakeRoot: String, stream: String, runID: String, snapshotDate: Day, dated: Bool, settings: WriterSettings
  ) {
    self.lakeRoot = lakeRoot
    self.stream = stream
    self.runID = runID
    self.day = snapshotDate
    self.settings = settings
    self.relativePath = Self.partitionPath(stream: stream, snapshotDate: dated ? snapshotDate : nil)
    self.writer = PartitionWriter(
      lakeRoot: lakeRoot, relativePath: relativePath, windowID: runID, settings: settings)
  }

  /// `engage`, or `engage/snapshot_date=2024-07-15`.
  public static func partitionPath(stream: String, snapshotDate: Day?) -> String {
    LakeLayout.tablePartition(stream: stream, snapshotDate: snapshotDate)
  }

  /// Rows appended so far.
  public var rows: Int { writer.rows }

  /// Sees every line appended (the caller's schema tally).
  public var observer: ((UnsafeRawBufferPointer) -> Void)?

  /// Adds one record: a line of JSON without its newline.
  public func append(_ line: [UInt8]) throws(LakeError) {
    if let observer { line.withUnsafeBytes(observer) }
    do {
      try line.withUnsafeBytes { try writer.append($0, time: nil) }
    } catch let error as LakeError {
      throw error
    } catch {
      throw .usage("\(stream): \(error)")
    }
  }

  /// Makes the snapshot visible; returns its manifest. An empty snapshot commits an empty
  /// manifest (the table is empty now), never leaves the old rows in place. When it throws, the
  /// table is the old one (the part files are still this writer's, under their temporary names)
  /// or, if the failure came after the manifest was replaced, the new one (``keepForResume()``
  /// then throws and ``discard()`` leaves it alone).
  public func commit(committedAt: Int64) throws(LakeError) -> Manifest {
    let files = try writer.finishAll()
    let manifest = Manifest(
      formatVersion: Manifest.currentFormatVersion, stream: stream, partition: relativePath,
      window: ManifestWindow(id: runID, fromDate: "\(day)", toDate: "\(day)"), runID: runID,
      committedAt: Timestamp.iso8601(committedAt), compression: settings.compression.rawValue,
      rows: files.reduce(0) { $0 + $1.rows }, bytes: files.reduce(0) { $0 + $1.bytes },
      uncompressedBytes: files.reduce(0) { $0 + $1.uncompressedBytes }, minTime: nil, maxTime: nil,
      files: files)
    let directory = "\(lakeRoot)/\(relativePath)"
    try settings.fence?.check()
    try PartitionCommitter.switchOver(
      manifest, directory: directory, failureInjector: settings.failureInjector)
    committed = true
    writer.markCommitted()
    try PartitionCommitter.cleanUp(manifest, directory: directory, failureInjector: settings.failureInjector)
    return manifest
  }

  /// Takes the finished temporary part files of an interrupted pass (see ``keepForResume()``):
  /// they count as this snapshot's first files.
  public func adopt(_ files: [ManifestFile]) {
    writer.adopt(files)
  }

  /// Finishes every part file and hands them over instead of committing them: they stay under
  /// their temporary names (invisible to readers) for a later pass to ``adopt(_:)``; this
  /// writer forgets them, so ``discard()`` no longer deletes them.
  /// Throws when the snapshot was committed already (a failure after its manifest was replaced).
  public func keepForResume() throws(LakeError) -> [ManifestFile] {
    guard !committed else { throw .usage("\(relativePath) was committed; nothing is kept for a resume") }
    let files = try writer.finishAll()
    writer.markCommitted()
    return files
  }

  /// Where a finished part file waits under its temporary name.
  public func temporaryPath(of file: ManifestFile) -> String {
    "\(lakeRoot)/\(relativePath)/\(CommitMode.stagingName(for: file.path))"
  }

  /// Where a part file kept by ``keepForResume()`` in `rename` mode waits, in `partition`.
  public static func keptPath(lakeRoot: String, partition: String, file: ManifestFile) -> String {
    "\(lakeRoot)/\(partition)/\(CommitMode.stagingName(for: file.path))"
  }

  /// Deletes every temporary file this snapshot wrote; the committed table stays as it was.
  public func discard() {
    writer.discard()
  }
}
