import CalendarDay
import Foundation
import Logging
import MixpanelFake

/// The data every benchmark runs on: a deterministic fake project of 3 days × 20,000 events.
/// Day bodies are rendered once (outside any measurement) and shared.
enum Fixture {
  static let eventsPerDay = 20_000
  static let days = 3
  /// A fixed "today", so runs are byte-for-byte repeatable.
  static let today = FakeDay("2024-07-15")!
  static let firstDay = today.advanced(by: -(days - 1))
  /// Noon UTC of `today`: the clock an export run is given.
  static let now = Date(timeIntervalSince1970: Double(today.startEpochSeconds + 43_200))

  static let project = FakeProject(
    seed: 7, eventsPerDay: eventsPerDay, today: today, dataDays: Set(firstDay...today),
    apiSecret: "bench-secret")

  /// One day of NDJSON exactly as the fake serves it (about 17 MB at 20,000 events).
  static let dayBytes: [UInt8] = project.dayBody(today)

  /// Lines (events) in `dayBytes`; the generator varies the count around `eventsPerDay`.
  static let dayLines: Int = lineCount(dayBytes)

  /// NDJSON bytes and lines the whole pipeline moves (every day of the project).
  static let export: (bytes: Int, lines: Int) = (0..<days).reduce((0, 0)) { total, offset in
    let body = project.dayBody(firstDay.advanced(by: offset))
    return (total.0 + body.count, total.1 + lineCount(body))
  }

  static func lineCount(_ bytes: [UInt8]) -> Int {
    bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
  }

  /// `today` as the lake's day type.
  static var lakeToday: Day { Day(daysSinceEpoch: today.daysSinceEpoch) }

  static let logger: Logger = {
    var logger = Logger(label: "mixpanel-lake-benchmarks")
    logger.logLevel = .critical
    return logger
  }()

  /// HTTP body chunk size used when feeding the framer (a typical socket read).
  static let chunkBytes = 64 << 10

  /// Renders `today` up front so no benchmark measures the fake's generator.
  static func warmDay() {
    _ = dayLines
  }

  /// Renders (and caches in the fake) every day the pipeline exports.
  static func warmExport() {
    _ = export
  }
}

/// A fresh temporary directory; `remove()` deletes it.
struct ScratchDirectory {
  let path: String

  init(_ prefix: String) {
    path = NSTemporaryDirectory() + "mixpanel-lake-bench-\(prefix)-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Bytes per second as whole MB/s (10^6 bytes), for the `MB/s` custom metric.
func megabytesPerSecond(_ bytes: Int, _ elapsed: Duration) -> Int {
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  return seconds > 0 ? Int((Double(bytes) / 1e6 / seconds).rounded()) : 0
}
