import Foundation
import MixpanelFake
import MixpanelLake
import NDJSON
import Testing

@Suite("Catalog selection in lake mode")
struct CatalogSelectionTests {
  static func flat(_ line: String, keep: @escaping (String) -> Bool) -> String {
    var out: [UInt8] = []
    Array(line.utf8).withUnsafeBytes { raw in
      FlatRecord.write(raw, utcSeconds: 0, into: &out) { keep(String(decoding: $0, as: UTF8.self)) }
    }
    return String(decoding: out, as: UTF8.self)
  }

  @Test("dropping the first, a middle or the last column still gives valid JSON without it")
  func dropping() throws {
    let line = #"{"event":"e","properties":{"a":1,"time":5,"$b":[2],"c":{"d":3}}}"#
    for dropped in ["a", "mp_reserved_b", "c"] {
      let text = Self.flat(line) { $0 != dropped }
      let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      #expect(object[dropped] == nil, "\(text)")
      #expect(object.count == 4, "\(text)")
    }
    let onlyEvent = Self.flat(line) { _ in false }
    #expect(onlyEvent == #"{"event":"e","time":"1970-01-01T00:00:00Z"}"#)
  }

  @Test("export --catalog: selects streams, and a deselected column is gone from flat records")
  func cli() async throws {
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let project = FakeProject(seed: 93, eventsPerDay: 100, today: today)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config =
        #"{"api_secret": "\#(project.apiSecret)", "start_date": "\#(today)", "export_api_url": "\#(server.baseURL)", "query_api_url": "\#(server.baseURL)", "lake": "\#(dir.path)/lake", "record_format": "flat"}"#
      try config.write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
      let discover = try await CLIProcess.run(["discover", "--config", "\(dir.path)/c.json"])
      #expect(discover.status == 0)
      var catalog = try #require(
        try JSONSerialization.jsonObject(with: Data(discover.stdout.utf8)) as? [String: Any])
      var streams = try #require(catalog["streams"] as? [[String: Any]])
      for index in streams.indices {
        let name = streams[index]["tap_stream_id"] as? String
        var metadata = streams[index]["metadata"] as? [[String: Any]] ?? []
        for entry in metadata.indices {
          var inner = metadata[entry]["metadata"] as? [String: Any] ?? [:]
          let breadcrumb = metadata[entry]["breadcrumb"] as? [String] ?? []
          if breadcrumb.isEmpty { inner["selected"] = name == "export" }
          if breadcrumb == ["properties", "mp_lib"] { inner["selected"] = false }
          metadata[entry]["metadata"] = inner
        }
        streams[index]["metadata"] = metadata
      }
      catalog["streams"] = streams
      try JSONSerialization.data(withJSONObject: catalog).write(
        to: URL(fileURLWithPath: "\(dir.path)/catalog.json"))
      let run = try await CLIProcess.run(
        ["export", "--config", "\(dir.path)/c.json", "--catalog", "\(dir.path)/catalog.json", "--quiet"])
      #expect(run.status == 0, "\(run.stderr)")
    }
    let lines = try LakeReader(root: "\(dir.path)/lake").lines("day=\(today)")
    #expect(lines.count == project.eventCount(on: today))
    for line in lines {
      let record = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
      #expect(record["mp_lib"] == nil && record["event"] != nil)
    }
    #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/lake/engage"))
  }
}
