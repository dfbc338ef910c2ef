import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("Nightly runs pick up late events without duplicates")
struct LateArrivalTests {
  /// sha256 of every file of every day partition, by day folder.
  static func fingerprints(_ lake: String) throws -> [String: [String]] {
    var result: [String: [String]] = [:]
    for folder in try LakeReader(root: lake).dayFolders() {
      let manifest = try #require(try ManifestStore.read(directory: "\(lake)/export/\(folder)"))
      result[folder] = manifest.files.map { "\($0.path) \($0.sha256)" }
    }
    return result
  }

  @Test("run at T1, then at T2 three days later with attribution_window 5: the lake equals the truth at T2")
  func lateRowsArePickedUp() async throws {
    let lake = TemporaryDirectory()
    let t2Day = Fixture.today
    let t1 = t2Day.advanced(by: -3).startEpochSeconds + 50_000
    let t2 = t2Day.startEpochSeconds + 50_000
    let project = FakeProject(
      seed: 77, eventsPerDay: 800, today: t2Day, now: t1, lateArrivals: true, lateShare: 0.2)
    let first = t2Day.advanced(by: -20)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        extra: ["attribution_window": .integer(5), "date_window_size": .integer(7)])
      let runAtT1 = try await ExportRun(
        config: config, logger: Fixture.logger, now: { Date(timeIntervalSince1970: Double(t1)) }
      ).run()
      let truthAtT1 = project.truth(from: first, to: t2Day, now: t1)
      #expect(runAtT1.rows == truthAtT1.total)
      let before = try Self.fingerprints(lake.path)

      server.setNow(t2)
      let runAtT2 = try await ExportRun(
        config: config, logger: Fixture.logger, now: { Date(timeIntervalSince1970: Double(t2)) }
      ).run()
      let truthAtT2 = project.truth(from: first, to: t2Day, now: t2)
      #expect(truthAtT2.total > truthAtT1.total, "late events arrived between T1 and T2")
      // The second run fetched from (T1's day − 5 days) only.
      let refetchedFrom = Day(epochSeconds: t1).adding(days: -5)
      #expect(runAtT2.windows.first?.fromDate == "\(refetchedFrom)")

      let census = try LakeReader(root: lake.path).census()
      #expect(census.rows.filter { $0.value > 0 } == truthAtT2.byDay.filter { $0.value > 0 })
      #expect(Set(census.insertIDs).count == census.insertIDs.count, "no duplicate $insert_id")
      #expect(census.insertIDs.count == truthAtT2.total)
      let after = try Self.fingerprints(lake.path)
      for (folder, files) in before where String(folder.dropFirst(4)) < "\(refetchedFrom)" {
        #expect(after[folder] == files, "\(folder) outside the attribution window is untouched")
      }
      let late = truthAtT2.total - truthAtT1.total
      print("late rows picked up at T2: \(late); rows at T1 \(truthAtT1.total), at T2 \(truthAtT2.total)")
    }
  }
}
