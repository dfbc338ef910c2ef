import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

/// Lakes exported from the fake, and the ways the verify tests damage them.
enum VerifyFixture {
  /// Five days well before `Fixture.today`, so they are outside the lookback window.
  static let first = "2024-07-01"
  static let last = "2024-07-05"

  static func config(
    lake: String, server: FakeServerHandle, start: String = first, end: String = last,
    extra: [String: JSONNode] = [:]
  ) throws -> LakeConfig {
    var extra = extra
    extra["query_api_url"] = .string(server.baseURL)
    extra["date_window_size"] = .integer(2)
    return try Fixture.config(lake: lake, server: server, start: start, end: end, extra: extra)
  }

  static func verify(
    _ config: LakeConfig, skipCounts: Bool = false, now: Date = Fixture.now
  ) async throws -> VerifyReport {
    try await LakeVerifier(
      config: config, options: VerifyOptions(skipCounts: skipCounts), logger: Fixture.logger, now: { now }
    ).verify()
  }

  static func folder(_ lake: String, _ day: String) -> String { "\(lake)/export/day=\(day)" }

  static func manifest(_ lake: String, _ day: String) throws -> Manifest {
    try #require(try ManifestStore.read(directory: folder(lake, day)))
  }

  /// The path of the day's first part file.
  static func firstPart(_ lake: String, _ day: String) throws -> (name: String, path: String) {
    let name = try #require(try manifest(lake, day).files.first?.path)
    return (name, "\(folder(lake, day))/\(name)")
  }

  /// Re-writes the day's first part file without its last line and fixes its manifest entry
  /// and totals, so only a comparison with Mixpanel can tell.
  static func dropLastLine(_ lake: String, _ day: String) throws {
    var manifest = try manifest(lake, day)
    let file = manifest.files[0]
    let path = "\(folder(lake, day))/\(file.path)"
    let compression: Compression = file.path.hasSuffix(".gz") ? .gzip : .zstd
    let text = try StreamingDecompressor.decompressAll(Array(try FileSystem.read(path)), compression)
    var lines = text.split(separator: 0x0A, omittingEmptySubsequences: true)
    lines.removeLast()
    let shorter = Array(lines.joined(separator: [0x0A])) + [0x0A]
    let stored = try StreamingCompressor.compressAll(shorter, compression, level: compression.defaultLevel)
    try FileSystem.writeAtomically(stored, to: path)
    manifest.files[0].rows = lines.count
    manifest.files[0].bytes = stored.count
    manifest.files[0].uncompressedBytes = shorter.count
    manifest.files[0].sha256 = SHA256.hash(stored)
    manifest.rows = manifest.files.reduce(0) { $0 + $1.rows }
    manifest.bytes = manifest.files.reduce(0) { $0 + $1.bytes }
    manifest.uncompressedBytes = manifest.files.reduce(0) { $0 + $1.uncompressedBytes }
    try ManifestStore.write(manifest, directory: folder(lake, day))
  }

  /// Cuts the last `count` bytes off the day's first part file.
  static func truncate(_ lake: String, _ day: String, by count: Int) throws {
    let path = try firstPart(lake, day).path
    let bytes = try FileSystem.read(path)
    try FileSystem.writeAtomically(Array(bytes.dropLast(count)), to: path)
  }
}
