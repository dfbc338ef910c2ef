import NIOCore
import Testing

@testable import MixpanelLake

@Suite("Read-ahead buffer between the socket reader and the parser")
struct ReadAheadBufferTests {
  static func chunk(_ byte: UInt8, _ count: Int) -> ByteBuffer {
    ByteBuffer(bytes: [UInt8](repeating: byte, count: count))
  }

  /// Yields until `condition` holds (no sleeping: the other task runs on the same pool).
  static func eventually(_ condition: () -> Bool) async {
    while !condition() { await Task.yield() }
  }

  @Test("chunks arrive in order, then nil; a reader error reaches the parser after the chunks")
  func orderEndAndFailure() async throws {
    let buffer = ReadAheadBuffer(limitBytes: 1 << 20)
    for byte in UInt8(1)...5 { try await buffer.send(Self.chunk(byte, 10)) }
    buffer.finish(nil)
    var seen: [UInt8] = []
    while let chunk = try await buffer.next() { seen.append(chunk.getInteger(at: 0)!) }
    #expect(seen == [1, 2, 3, 4, 5])

    struct Cut: Error {}
    let failing = ReadAheadBuffer(limitBytes: 1 << 20)
    try await failing.send(Self.chunk(9, 3))
    failing.finish(Cut())
    #expect(try await failing.next()?.readableBytes == 3)
    await #expect(throws: Cut.self) { try await failing.next() }
  }

  @Test("a full buffer parks the sender until the parser takes a chunk", .timeLimit(.minutes(1)))
  func fullBufferParksTheSender() async throws {
    let buffer = ReadAheadBuffer(limitBytes: 100)
    try await buffer.send(Self.chunk(1, 100))  // now full
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await buffer.send(Self.chunk(2, 1)) }
      await Self.eventually { buffer.senderIsWaiting }
      #expect(try await buffer.next()?.readableBytes == 100)
      try await group.waitForAll()  // the sender got room and returned
    }
    #expect(try await buffer.next()?.readableBytes == 1)
  }

  @Test("cancelling a parked sender wakes it with CancellationError", .timeLimit(.minutes(1)))
  func cancellingAParkedSender() async throws {
    let buffer = ReadAheadBuffer(limitBytes: 10)
    try await buffer.send(Self.chunk(1, 10))
    let sender = Task { try await buffer.send(Self.chunk(2, 1)) }
    await Self.eventually { buffer.senderIsWaiting }
    sender.cancel()
    await #expect(throws: CancellationError.self) { try await sender.value }
    #expect(!buffer.senderIsWaiting)
  }

  @Test("a parser waiting on an empty buffer gets the next chunk, or nil at the end")
  func waitingReceiver() async throws {
    let buffer = ReadAheadBuffer(limitBytes: 100)
    async let first = buffer.next()
    try await buffer.send(Self.chunk(7, 4))
    #expect(try await first?.readableBytes == 4)
    async let second = buffer.next()
    buffer.finish(nil)
    #expect(try await second == nil)
  }

  @Test("poll takes what is buffered without waiting, then says empty or ended")
  func pollWithoutWaiting() async throws {
    let buffer = ReadAheadBuffer(limitBytes: 100)
    guard case .empty = try buffer.poll() else { Issue.record("expected empty"); return }
    try await buffer.send(Self.chunk(3, 5))
    guard case .chunk(let chunk) = try buffer.poll() else { Issue.record("expected a chunk"); return }
    #expect(chunk.readableBytes == 5)
    buffer.finish(nil)
    guard case .ended = try buffer.poll() else { Issue.record("expected ended"); return }
  }
}
