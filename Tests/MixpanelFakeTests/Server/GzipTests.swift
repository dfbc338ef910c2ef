import Testing

@testable import MixpanelFake

@Suite struct GzipTests {
  let gzip = secretAuth.merging(["Accept-Encoding": "gzip, deflate"]) { a, _ in a }

  @Test func largeBodiesAreGzippedAndDecodeToTheIdentityBody() async throws {
    let project = makeProject(eventsPerDay: 500)
    try await withServer(project) { server in
      let identity = try get(server, exportPath("2024-06-01", "2024-06-05"))
      let compressed = try get(server, exportPath("2024-06-01", "2024-06-05"), headers: gzip)
      #expect(compressed.status == 200)
      #expect(compressed.header("content-encoding") == "gzip")
      #expect(compressed.body.count < identity.body.count / 2)
      #expect(gunzip(compressed.body) == identity.body)
      #expect(server.requestLog.entries[1].bytesSent == compressed.body.count)
    }
  }

  @Test func bodiesOf1400BytesOrLessAreNotCompressed() async throws {
    try await withServer { server in
      let one = try get(server, exportPath("2024-06-01", "2024-06-01", "&limit=1"), headers: gzip)
      #expect(one.status == 200)
      #expect(one.body.count <= 1_400)
      #expect(one.header("content-encoding") == nil)
      #expect(parseLines(one.lines)?.count == 1)
    }
  }

  @Test func noAcceptEncodingMeansIdentity() async throws {
    try await withServer { server in
      let response = try get(server, exportPath("2024-06-01", "2024-06-03"))
      #expect(response.header("content-encoding") == nil)
      #expect(response.body.count > 1_400)
    }
  }

  @Test func bandwidthLimitStillDeliversTheWholeBody() async throws {
    let configuration = FakeServerConfiguration(bandwidthBytesPerSecondPerConnection: 20_000_000)
    try await withServer(configuration: configuration) { server in
      let response = try get(server, exportPath("2024-06-01", "2024-06-03"), headers: gzip)
      #expect(
        gunzip(response.body) == server.project.exportBody(from: day("2024-06-01"), to: day("2024-06-03")))
    }
  }
}
