import Foundation
import Testing

@testable import MixpanelFake

@Suite("The export gate: answers held until enough export requests wait together")
struct ExportGateTests {
  static func request(_ day: String) -> String {
    "GET \(exportPath(day, day)) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
      + secretAuth.map { "\($0.key): \($0.value)\r\n" }.joined() + "\r\n"
  }

  @Test("two requests wait (arrived, unanswered) until the third comes; then all three get their day")
  func holdsUntilEnoughArrive() async throws {
    let project = makeProject(eventsPerDay: 40)
    let configuration = FakeServerConfiguration(exportGate: FakeExportGate(requests: 3))
    try await withServer(project, configuration: configuration) { server in
      let days = ["2024-06-01", "2024-06-02", "2024-06-03"]
      let connections = try days.map { _ in try RawHTTPConnection(port: server.port) }
      try connections[0].send(Self.request(days[0]))
      try connections[1].send(Self.request(days[1]))
      // Both logged (the log records a request as it arrives); bounded, so a broken gate fails.
      for _ in 0..<1_000_000 where server.requestLog.count < 2 { await Task.yield() }
      try #require(server.requestLog.count == 2)
      #expect(server.requestLog.entries.allSatisfy { $0.status == 0 && $0.bytesSent == 0 })
      try connections[2].send(Self.request(days[2]))
      for (connection, day) in zip(connections, days) {
        let response = try connection.readResponse()
        #expect(response.status == 200)
        #expect(response.body == project.exportBody(from: FakeDay(day)!, to: FakeDay(day)!))
      }
      // Once open, the gate holds nothing.
      #expect(try get(server, exportPath(days[0], days[0])).status == 200)
    }
  }

  @Test("with fewer requests than it waits for, the gate still answers: it opens on its timeout")
  func opensOnTimeout() async throws {
    let configuration = FakeServerConfiguration(
      exportGate: FakeExportGate(requests: 5, timeout: .milliseconds(50)))
    try await withServer(configuration: configuration) { server in
      let response = try get(server, exportPath("2024-06-01", "2024-06-01"))
      #expect(response.status == 200 && !response.body.isEmpty)
    }
  }
}
