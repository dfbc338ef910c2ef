import Lake

/// What the full-table and daily stream summaries share: their text table and their run-record
/// file under `_runs/`.
enum StreamTable {
  /// A left-aligned table: each cell padded to its column's width (at least one space after),
  /// the last column unpadded; then `notes`, one per line.
  static func render(columns: [(title: String, width: Int)], rows: [[String]], notes: [String]) -> String {
    func line(_ cells: [String]) -> String {
      zip(cells, columns).enumerated().map { index, pair in
        let (text, column) = pair
        guard index < columns.count - 1 else { return text }
        return text.count >= column.width
          ? text + " " : text + String(repeating: " ", count: column.width - text.count)
      }.joined()
    }
    return ([line(columns.map(\.title))] + rows.map(line) + notes).joined(separator: "\n")
  }

  /// The warning or error line of each stream that did not commit.
  static func notes(_ records: [(status: String, message: String)]) -> [String] {
    records.filter { $0.status != "committed" }.map {
      "\($0.status == "skipped" ? "warning" : "error"): \($0.message)"
    }
  }

  /// Writes `summary` to `_runs/<run-id>-<suffix>.json`, atomically.
  static func writeRecord(_ summary: some Encodable, runID: String, suffix: String, lake: String) throws {
    let directory = LakeLayout(root: lake).runs
    try FileSystem.makeDirectories(directory)
    try FileSystem.writeAtomically(JSONText.encode(summary), to: "\(directory)/\(runID)-\(suffix).json")
  }
}
