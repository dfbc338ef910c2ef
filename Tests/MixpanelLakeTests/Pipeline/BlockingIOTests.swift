import Dispatch
import NIOPosix
import Testing

@testable import MixpanelLake

@Suite("Blocking file work on the I/O pool")
struct BlockingIOTests {
  @Test("work queued behind a busy pool still runs when the awaiting task is cancelled")
  func cancelledCallerStillGetsTheResult() async throws {
    let pool = NIOThreadPool(numberOfThreads: 1)
    pool.start()
    let gate = DispatchSemaphore(value: 0)
    pool.submit { _ in gate.wait() }  // the only thread is busy until the gate opens
    let caller = Task { try await BlockingIO.run(on: pool) { 42 } }
    caller.cancel()  // before the work could start: runIfActive would skip it
    gate.signal()
    #expect(try await caller.value == 42)
    try await pool.shutdownGracefully()
  }

  @Test("an error thrown by the work reaches the caller")
  func errorsPropagate() async throws {
    struct Full: Error {}
    await #expect(throws: Full.self) { try await BlockingIO.run { () throws -> Int in throw Full() } }
  }
}
