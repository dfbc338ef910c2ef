import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("Full-table streams end to end over loopback")
struct FullTableStreamsTests {
  @Test("engage pages 2,600 profiles at page_size 100 (27 pages) into exactly the fake's profiles")
  func engageEqualsProfiles() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 5, eventsPerDay: 0, today: Fixture.today, profiles: 2_600)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try StreamsFixture.config(
        lake: lake.path, server: server, streams: ["engage"], extra: ["engage_page_size": .integer(100)])
      let summary = try await StreamsFixture.run(config)
      let record = try #require(summary.streams.first)
      #expect(record.status == .committed && record.rows == 2_600 && record.requests == 27)
      let engage = server.requestLog.entries.filter { $0.path == "/api/query/engage" }
      #expect(engage.count == 27 && engage.allSatisfy { $0.method == "POST" })

      let lines = try LakeReader(root: lake.path).tableLines("engage")
      let rows = try lines.map { try JSONNode(parsing: $0) }
      let ids = rows.compactMap { $0["distinct_id"]?.stringValue }
      #expect(ids == project.profileDistinctIDs)
      #expect(Set(ids).count == ids.count)
      for row in rows {
        let keys = row.objectValue?.map(\.key) ?? []
        #expect(keys.first == "distinct_id" && !keys.contains { $0.hasPrefix("$") })
        #expect(row["mp_reserved_email"]?.stringValue?.hasSuffix("@example.com") == true)
        #expect(row["purchases"]?.intValue != nil)
        if let invited = row["invited"] { #expect(invited == .bool(true) || invited == .bool(false)) }
        if let tags = row["tags"] { #expect(tags.arrayValue != nil) }
      }

      // Oracle: one page of 10,000 gives byte-identical rows.
      let single = TemporaryDirectory()
      _ = try await StreamsFixture.run(
        StreamsFixture.config(
          lake: single.path, server: server, streams: ["engage"],
          extra: ["engage_page_size": .integer(10_000)]))
      #expect(try LakeReader(root: single.path).tableLines("engage") == lines)
    }
    let manifest = try #require(try ManifestStore.read(directory: "\(lake.path)/engage"))
    #expect(manifest.rows == 2_600 && manifest.stream == "engage" && manifest.partition == "engage")
    #expect(manifest.files.map(\.path) == (try LakeReader(root: lake.path).tableParts("engage")))
    let counts = try DuckDB.query(
      "SELECT count(*), count(DISTINCT distinct_id) FROM read_json('\(lake.path)/engage/*.jsonl.zst', format = 'newline_delimited')"
    )
    #expect(counts.first as? [String] == ["2600", "2600"])
  }

  @Test("cohorts, cohort_members and legacy annotations equal the fake's; cohorts/list is called once")
  func cohortsMembersAnnotations() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 9, eventsPerDay: 0, today: Fixture.today, profiles: 700)
    let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let summary = try await StreamsFixture.run(
        StreamsFixture.config(
          lake: lake.path, server: server, streams: ["cohorts", "cohort_members", "annotations"],
          extra: ["engage_page_size": .integer(50)]))
      #expect(server.requestLog.entries.filter { $0.path == "/api/query/cohorts/list" }.count == 1)
      #expect(server.requestLog.entries.contains { $0.path == "/api/query/annotations" })
      return summary
    }
    #expect(summary.streams.map(\.stream) == ["cohorts", "cohort_members", "annotations"])
    #expect(summary.failedStreams.isEmpty && summary.skippedStreams.isEmpty)

    let cohorts = try StreamsFixture.rows(lake: lake.path, "cohorts")
    #expect(cohorts.map { $0["id"] as? Int } == project.cohorts.map(\.id))
    #expect(cohorts.map { $0["name"] as? String } == project.cohorts.map(\.name))
    #expect(cohorts.map { $0["created"] as? String } == project.cohorts.map(\.created))

    let members = try StreamsFixture.rows(lake: lake.path, "cohort_members")
    for cohort in project.cohorts {
      let ids = members.filter { $0["cohort_id"] as? Int == cohort.id }.map { $0["distinct_id"] as! String }
      #expect(ids == project.cohortMembers(cohort.id), "cohort \(cohort.id)")
    }
    let keys = members.map { "\($0["cohort_id"]!)/\($0["distinct_id"]!)" }
    #expect(Set(keys).count == keys.count && members.allSatisfy { $0.count == 2 })

    let annotations = try StreamsFixture.rows(lake: lake.path, "annotations")
    #expect(!annotations.isEmpty)
    #expect(annotations.map { $0["date"] as? String } == project.allAnnotations.map(\.date))
    #expect(annotations.map { $0["id"] as? Int } == project.allAnnotations.map(\.id))
    #expect(annotations.map { $0["description"] as? String } == project.allAnnotations.map(\.description))

    for (table, count) in [
      ("cohorts", cohorts.count), ("cohort_members", members.count), ("annotations", annotations.count),
    ] {
      let rows = try DuckDB.query(
        "SELECT count(*) FROM read_json('\(lake.path)/\(table)/*.jsonl.zst', format = 'newline_delimited')")
      #expect(rows.first as? [String] == ["\(count)"], "\(table)")
    }
  }

  @Test("workspace_id goes on every Query API call, never on export nor the App API")
  func workspaceID() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(
      seed: 5, eventsPerDay: 30, today: Fixture.today, serviceAccount: StreamsFixture.serviceAccount,
      profiles: 120)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try StreamsFixture.config(
        lake: lake.path, server: server, streams: ["export", "engage", "cohorts", "annotations"],
        serviceAccount: true, extra: ["workspace_id": .integer(3_141), "engage_page_size": .integer(50)])
      _ = try await Fixture.run(config)
      let summary = try await StreamsFixture.run(config)
      #expect(summary.streams.allSatisfy { $0.status == .committed })
      let log = server.requestLog.entries
      let query = log.filter { $0.path.hasPrefix("/api/query/") }
      #expect(query.count >= 4 && query.allSatisfy { $0.queryValue("workspace_id") == "3141" })
      let others = log.filter { !$0.path.hasPrefix("/api/query/") }
      #expect(others.contains { $0.path == "/api/2.0/export" })
      #expect(others.allSatisfy { $0.queryValue("workspace_id") == nil }, "\(others.map(\.path))")
    }
  }

  @Test("service-account requests carry project_id; annotations come from the App API")
  func serviceAccount() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(
      seed: 4, eventsPerDay: 0, today: Fixture.today, serviceAccount: StreamsFixture.serviceAccount,
      profiles: 300)
    let id = StreamsFixture.serviceAccount.projectID
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let summary = try await StreamsFixture.run(
        StreamsFixture.config(
          lake: lake.path, server: server, streams: ["engage", "cohorts", "cohort_members", "annotations"],
          serviceAccount: true, extra: ["engage_page_size": .integer(100)]))
      #expect(summary.streams.allSatisfy { $0.status == .committed })
      let log = server.requestLog.entries
      let query = log.filter { $0.path.hasPrefix("/api/query/") }
      #expect(query.count >= 8 && query.allSatisfy { $0.queryValue("project_id") == "\(id)" })
      #expect(
        log.filter { $0.path.contains("annotations") }.map(\.path) == ["/api/app/projects/\(id)/annotations"])
      #expect(log.allSatisfy { $0.status == 200 })
    }
    let annotations = try StreamsFixture.rows(lake: lake.path, "annotations")
    #expect(annotations.map { $0["date"] as? String } == project.allAnnotations.map(\.date))
    #expect(annotations.allSatisfy { $0["tags"] is [Any] && $0["user"] is [String: Any] })
    #expect(try StreamsFixture.rows(lake: lake.path, "engage").count == 300)
    let files = try FileManager.default.subpathsOfDirectory(atPath: lake.path)
      .filter { $0.hasSuffix(".json") }
    #expect(!files.isEmpty)
    for file in files {
      let text = try String(contentsOfFile: "\(lake.path)/\(file)", encoding: .utf8)
      #expect(!text.contains(StreamsFixture.serviceAccount.secret), "\(file)")
    }
  }
}
