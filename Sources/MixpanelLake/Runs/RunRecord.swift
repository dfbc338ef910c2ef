import Lake

/// Where a run writes its record: `_runs/<run-id>.json` for an export run,
/// `_runs/<run-id>-<suffix>.json` for the other kinds (``suffixes``). `report` reads them back.
enum RunRecord {
  /// The kinds of records besides an export run's, as they end their file names.
  static let suffixes = [FullTableRecord.fileSuffix, DailyStreamRecord.fileSuffix, LakeReset.fileSuffix]

  /// Writes `record` atomically to `_runs/<run-id>[-<suffix>].json` in `lake`.
  static func write(_ record: some Encodable, lake: String, runID: String, suffix: String? = nil) throws {
    let directory = LakeLayout(root: lake).runs
    try FileSystem.makeDirectories(directory)
    let name = suffix.map { "\(runID)-\($0)" } ?? runID
    try FileSystem.writeAtomically(JSONText.encode(record), to: "\(directory)/\(name).json")
  }
}
