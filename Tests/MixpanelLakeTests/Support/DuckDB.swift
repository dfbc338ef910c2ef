import Foundation

/// Runs a DuckDB query through the duckdb Python package and returns its rows as JSON arrays.
enum DuckDB {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static func query(_ sql: String) throws -> [[Any]] {
    let script = """
      import duckdb, json, sys
      rows = duckdb.sql(sys.argv[1]).fetchall()
      print(json.dumps([list(map(str, r)) for r in rows]))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, sql]
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(description: "duckdb failed: " + String(decoding: errors, as: UTF8.self))
    }
    return (try JSONSerialization.jsonObject(with: data) as? [[Any]]) ?? []
  }

  /// `day` → rows, read with hive partitioning over every part file of the export stream.
  static func rowsPerDay(lake: String, extension ext: String = "jsonl.zst") throws -> [String: Int] {
    let rows = try query(
      """
      SELECT CAST(day AS VARCHAR), count(*) FROM read_json('\(lake)/export/*/*.\(ext)',
        hive_partitioning = true, format = 'newline_delimited') GROUP BY day
      """)
    var result: [String: Int] = [:]
    for row in rows { result[row[0] as! String] = Int(row[1] as! String)! }
    return result
  }
}
