import Testing

@testable import MixpanelLake

@Suite("Processing slots: how many windows parse and compress at once")
struct ProcessingSlotsTests {
  /// Yields until `condition` holds (no sleeping: the other tasks run on the same pool).
  static func eventually(_ condition: () -> Bool) async {
    while !condition() { await Task.yield() }
  }

  @Test(
    "free slots are taken at once; a release hands the slot to the longest waiter", .timeLimit(.minutes(1)))
  func handOverInArrivalOrder() async throws {
    let slots = ProcessingSlots(limit: 2)
    try await slots.acquire()
    try await slots.acquire()
    #expect(slots.free == 0)
    let order = Order()
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        try await slots.acquire()
        await order.append(1)
      }
      await Self.eventually { slots.waiting == 1 }
      group.addTask {
        try await slots.acquire()
        await order.append(2)
      }
      await Self.eventually { slots.waiting == 2 }
      slots.release()
      await Self.eventually { slots.waiting == 1 }
      slots.release()
      try await group.waitForAll()
    }
    #expect(await order.values == [1, 2])
    #expect(slots.free == 0)  // both slots went to the waiters, none back to the pool
    slots.release()
    slots.release()
    #expect(slots.free == 2)
  }

  @Test("a cancelled waiter leaves the queue without a slot", .timeLimit(.minutes(1)))
  func cancelledWaiter() async throws {
    let slots = ProcessingSlots(limit: 1)
    try await slots.acquire()
    let waiter = Task { try await slots.acquire() }
    await Self.eventually { slots.waiting == 1 }
    waiter.cancel()
    await #expect(throws: CancellationError.self) { try await waiter.value }
    #expect(slots.waiting == 0)
    slots.release()
    #expect(slots.free == 1)
  }

  actor Order {
    var values: [Int] = []
    func append(_ value: Int) { values.append(value) }
  }
}
