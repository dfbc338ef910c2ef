import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport

/// Runs and reads back the full-table streams against the fake.
enum StreamsFixture {
  static let serviceAccount = FakeServiceAccount(
    username: "exporter.4f1c2a.mp-service-account", secret: "sa-secret-0123456789abcdef0123456789",
    projectID: 2_195_193)

  /// A config for the fake at `server` that runs `streams`, with both base URLs on the fake.
  static func config(
    lake: String, server: FakeServerHandle, streams: [String], serviceAccount: Bool = false,
    extra: [String: JSONNode] = [:]
  ) throws -> LakeConfig {
    var object: [String: JSONNode] = [
      "start_date": .string("\(Fixture.today)"), "export_api_url": .string(server.baseURL),
      "query_api_url": .string(server.baseURL), "lake": .string(lake),
      "streams": .array(streams.map(JSONNode.string)),
    ]
    if serviceAccount {
      object["service_account_username"] = .string(Self.serviceAccount.username)
      object["service_account_secret"] = .string(Self.serviceAccount.secret)
      object["project_id"] = .integer(Self.serviceAccount.projectID)
    } else {
      object["api_secret"] = .string(server.project.apiSecret)
    }
    for (key, value) in extra { object[key] = value }
    return try ConfigLoader.parse(object)
  }

  static func run(
    _ config: LakeConfig, clock: VirtualClock = VirtualClock(), now: Date = Fixture.now
  ) async throws -> FullTableRunSummary {
    try await QueryStreamsRun(config: config, logger: Fixture.logger, clock: clock, now: { now }).tables()
  }

  /// Every row of a table (or of one snapshot folder) as a JSON object, in file order.
  static func rows(lake: String, _ folder: String) throws -> [[String: Any]] {
    try LakeReader(root: lake).tableLines(folder).map {
      try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any]
    }
  }
}

extension LakeReader {
  /// Part files of a full-table folder (`engage`, `engage/snapshot_date=…`), sorted.
  func tableParts(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(folder)").filter { $0.hasPrefix("part-") }
      .sorted()
  }

  /// Every line of a full-table folder, decompressed.
  func tableLines(_ folder: String) throws -> [[UInt8]] {
    var lines: [[UInt8]] = []
    for file in try tableParts(folder) {
      let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(folder)/\(file)")))
      let compression: Compression = file.hasSuffix(".gz") ? .gzip : .zstd
      lines += try StreamingDecompressor.decompressAll(bytes, compression).split(separator: 0x0A).map(
        Array.init)
    }
    return lines
  }
}
