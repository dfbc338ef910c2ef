import Testing

@testable import MixpanelFake

@Suite struct ServerLifecycleTests {
  @Test func runServesUntilCancelled() async throws {
    let (handles, continuation) = AsyncStream<FakeServerHandle>.makeStream()
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        try await runFakeMixpanelServer(makeProject(), logger: testLogger) { continuation.yield($0) }
      }
      var iterator = handles.makeAsyncIterator()
      let handle = try #require(await iterator.next())
      #expect(handle.baseURL == "http://127.0.0.1:\(handle.port)")
      #expect(try get(handle, exportPath("2024-06-01", "2024-06-01")).status == 200)
      group.cancelAll()
      try await group.waitForAll()
    }
  }

  @Test func shutsDownWhenTheBodyThrows() async throws {
    struct Boom: Error {}
    await #expect(throws: Boom.self) {
      try await withServer { _ in throw Boom() }
    }
  }

  @Test func openKeepAliveConnectionsAreClosedOnShutdown() async throws {
    let connection = try await withServer { server in
      let connection = try RawHTTPConnection(port: server.port)
      let response = try connection.get(
        exportPath("2024-06-01", "2024-06-01"), headers: secretAuth, keepAlive: true)
      #expect(response.status == 200)
      return connection
    }
    #expect(throws: RawHTTPError.self) { try connection.readResponse() }  // EOF: closed by the server
  }

  @Test func distinctServersGetDistinctPorts() async throws {
    try await withServer { first in
      try await withServer { second in
        #expect(first.port != second.port)
        #expect(first.port > 0)
      }
    }
  }
}
