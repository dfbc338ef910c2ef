import CalendarDay
import Foundation
import Lake
import Logging
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import NDJSON
import TestSupport

/// A temporary lake directory, removed when the test ends.
struct TemporaryDirectory: ~Copyable {
  let path: String

  init() {
    path = NSTemporaryDirectory() + "mixpanel-lake-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }
}

enum Fixture {
  static let today = FakeDay("2024-07-15")!
  /// Noon UTC of `today`: the injected clock of a run.
  static let now = Date(timeIntervalSince1970: Double(today.startEpochSeconds + 43_200))

  static var logger: Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
  }

  static func config(
    lake: String, server: FakeServerHandle, start: String, end: String? = nil,
    extra: [String: JSONNode] = [:], fixedWindows: Bool = true
  ) throws -> LakeConfig {
    var object: [String: JSONNode] = [
      "api_secret": .string(server.project.apiSecret), "start_date": .string(start),
      "export_api_url": .string(server.baseURL), "lake": .string(lake),
    ]
    if let end { object["end_date"] = .string(end) }
    // The windows these tests were written for: fixed 30-day windows, 4 at once. The defaults
    // (windows cut by volume, as many at once as Mixpanel allows) have tests of their own.
    if fixedWindows {
      object["date_window_size"] = .number("30")
      object["max_concurrent_windows"] = .number("4")
    }
    for (key, value) in extra { object[key] = value }
    var config = try ConfigLoader.parse(object)
    // The fake closes the connection after a faulty answer (as a server may), so the next
    // request can go out on it: a close seen within this window is resent. On a loaded machine
    // running the whole suite the close has been seen more than the default second after the
    // send, which failed a window under `max_attempts: 1` (the keep-alive race is not what
    // these tests are about; FaultRecoveryTests has its own).
    config.staleConnectionWindow = .seconds(3_600)
    return config
  }

  static func run(_ config: LakeConfig) async throws -> RunSummary {
    try await ExportRun(config: config, logger: logger, now: { now }).run()
  }

  /// The whole run `export` makes (lock, lease, sweep, every stream, `_SUCCESS`) on a virtual
  /// clock.
  static func runLake(_ config: LakeConfig) async throws -> LakeExportSummary {
    try await LakeExport(config: config, logger: logger, clock: VirtualClock(), now: { now }).run()
  }
}

/// Reads a lake back the slow, obvious way, for comparison with the truth.
struct LakeReader {
  let root: String

  func dayFolders(stream: String = "export") throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(stream)")
      .filter { $0.hasPrefix("day=") }.sorted()
  }

  func partFiles(_ folder: String, stream: String = "export") throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(stream)/\(folder)")
      .filter { $0.hasPrefix("part-") }.sorted()
  }

  /// Every line of a day partition, decompressed.
  func lines(_ folder: String, stream: String = "export") throws -> [[UInt8]] {
    var lines: [[UInt8]] = []
    for file in try partFiles(folder, stream: stream) {
      let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(stream)/\(folder)/\(file)")))
      let compression: Compression = file.hasSuffix(".gz") ? .gzip : .zstd
      let text = try StreamingDecompressor.decompressAll(bytes, compression)
      lines += text.split(separator: 0x0A).map(Array.init)
    }
    return lines
  }

  /// Rows per day (`yyyy-mm-dd` → count) and every `$insert_id` seen, with repeats.
  func census() throws -> (rows: [String: Int], insertIDs: [String]) {
    var rows: [String: Int] = [:]
    var ids: [String] = []
    for folder in try dayFolders() {
      let lines = try lines(folder)
      rows[String(folder.dropFirst(4))] = lines.count
      for line in lines {
        let fields = try JSONLineScanner.scan(line)
        if let range = fields.insertID { ids.append(String(decoding: line[range], as: UTF8.self)) }
      }
    }
    return (rows, ids)
  }
}

extension FakeTruth {
  /// Truth as `yyyy-mm-dd` → count, leaving out days with no events only when asked.
  var byDay: [String: Int] {
    Dictionary(uniqueKeysWithValues: days.map { ("\($0.day)", $0.count) })
  }
}
