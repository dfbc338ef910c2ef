import Foundation
import Testing

@testable import MixpanelFake

@Suite struct FaultInjectionTests {
  func configuration(_ faults: FakeFaults) -> FakeServerConfiguration {
    FakeServerConfiguration(faults: faults)
  }

  let target = exportPath("2024-06-01", "2024-06-02")

  @Test func status5xxFiresUpToItsCap() async throws {
    try await withServer(configuration: configuration(FakeFaults(status5xx: .first(2)))) { server in
      let statuses = try (0..<3).map { _ in try get(server, target).status }
      #expect(statuses == [500, 500, 200])
      let failed = try get(server, target)
      #expect(failed.status == 200)
      #expect(server.injectedFaults["status5xx"] == 2)
      #expect(server.requestLog.entries.map(\.fault) == ["status5xx", "status5xx", nil, nil])
    }
  }

  @Test func status5xxBodyIsUnknownError() async throws {
    try await withServer(configuration: configuration(FakeFaults(status5xx: .first(1)))) { server in
      let response = try get(server, target)
      #expect(response.json()?["error"] as? String == "unknown error")
    }
  }

  @Test func burst429SendsConsecutive429sWithRetryAfter() async throws {
    let faults = FakeFaults(burst429: .init(rule: .first(1), length: 3, retryAfterSeconds: 7))
    try await withServer(configuration: configuration(faults)) { server in
      let responses = try (0..<4).map { _ in try get(server, target) }
      #expect(responses.map(\.status) == [429, 429, 429, 200])
      #expect(responses[0].header("retry-after") == "7")
      #expect(
        responses[1].json()?["error"] as? String == "too many export requests in progress for this project")
    }
  }

  @Test func cutMidLineSendsWholeLinesThenHalfALineThenFIN() async throws {
    let faults = FakeFaults(cutMidLine: .init(rule: .first(1)))
    try await withServer(configuration: configuration(faults)) { server in
      let full = server.project.exportBody(from: day("2024-06-01"), to: day("2024-06-02"))
      let cut = try get(server, target)
      #expect(cut.status == 200)
      #expect(cut.ending == .truncated)
      #expect(cut.body.count < full.count)
      #expect(Array(full.prefix(cut.body.count)) == cut.body)
      #expect(cut.body.last != UInt8(ascii: "\n"))
      let lines = cut.lines
      #expect(parseLines(lines.dropLast()) != nil)
      #expect(parseLines([lines.last!]) == nil)
      let retry = try get(server, target)
      #expect(retry.ending == .complete && retry.body == full)
    }
  }

  @Test func cutMidLineCanResetTheConnection() async throws {
    let faults = FakeFaults(cutMidLine: .init(rule: .first(1), reset: true))
    try await withServer(configuration: configuration(faults)) { server in
      let cut = try get(server, target)
      #expect(cut.ending == .reset)
      #expect(server.requestLog.entries[0].fault == "cutMidLineReset")
    }
  }

  @Test func terminatedEarlyEndsTheBodyWithTheMarker() async throws {
    let faults = FakeFaults(terminatedEarly: .init(rule: .first(1), linesBefore: 3))
    try await withServer(configuration: configuration(faults)) { server in
      let response = try get(server, target)
      #expect(response.status == 200)
      #expect(response.lines.count == 4)
      #expect(response.lines.last == "terminated early")
      #expect(parseLines(response.lines.prefix(3).map { $0 }) != nil)
      #expect(response.text.hasSuffix("terminated early\n"))
    }
  }

  @Test func terminatedEarlyCanBeTheWholeBody() async throws {
    let faults = FakeFaults(terminatedEarly: .init(rule: .first(1), linesBefore: 0))
    try await withServer(configuration: configuration(faults)) { server in
      let response = try get(server, target)
      #expect(response.status == 200)
      #expect(response.text == "terminated early\n")
    }
  }

  @Test func malformedLineAppearsInsideAnOtherwiseCompleteBody() async throws {
    try await withServer(configuration: configuration(FakeFaults(malformedLine: .first(1)))) { server in
      let full = String(
        decoding: server.project.exportBody(from: day("2024-06-01"), to: day("2024-06-02")), as: UTF8.self)
      let response = try get(server, target)
      #expect(response.ending == .complete)
      let bad = response.lines.filter { parseLines([$0]) == nil }
      #expect(bad.count == 1)
      #expect(response.lines.filter { parseLines([$0]) != nil } == full.split(separator: "\n"))
    }
  }

  @Test(arguments: [
    FakeFaults(stallMidBody: .init(rule: .first(1), duration: .milliseconds(50))),
    FakeFaults(slowFirstByte: .init(rule: .first(1), duration: .milliseconds(50))),
    FakeFaults(dribble: .init(rule: .first(1), chunkBytes: 97, interval: .microseconds(200))),
  ])
  func slowFaultsStillDeliverTheWholeBody(faults: FakeFaults) async throws {
    try await withServer(configuration: configuration(faults)) { server in
      let gzip = secretAuth.merging(["Accept-Encoding": "gzip"]) { a, _ in a }
      let target = exportPath("2024-06-01", "2024-06-01", "&limit=20")
      let response = try get(server, target, headers: gzip)
      #expect(response.ending == .complete)
      #expect(
        gunzip(response.body)
          == server.project.exportBody(from: day("2024-06-01"), to: day("2024-06-01"), limit: 20))
      #expect(server.requestLog.entries[0].fault != nil)
    }
  }

  @Test func faultsAreDeterministicForASeed() async throws {
    let faults = FakeFaults(
      seed: 99, status5xx: FaultRule(rate: 0.3, maxInjections: 100),
      terminatedEarly: .init(rule: FaultRule(rate: 0.3, maxInjections: 100)))
    func run() async throws -> [String?] {
      try await withServer(configuration: configuration(faults)) { server in
        for _ in 0..<20 { _ = try get(server, target) }
        return server.requestLog.entries.map(\.fault)
      }
    }
    let first = try await run()
    #expect(try await run() == first)
    #expect(first.contains("status5xx") && first.contains("terminatedEarly") && first.contains(nil))
  }
}
