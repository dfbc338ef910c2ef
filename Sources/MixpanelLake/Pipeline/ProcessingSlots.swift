import NIOConcurrencyHelpers

/// How many windows may parse and compress at once: one per core. Windows beyond that keep
/// their HTTP bodies flowing into their (bounded) read-ahead buffers and wait here for a slot.
///
/// A window keeps its slot while data is waiting for it and gives it up only when it would wait
/// for the network. On a fast server each core therefore stays with one window, whose zstd
/// tables stay in that core's cache (4 windows taking turns on 2 cores cost 14% more CPU, most
/// of it in libzstd); on a slow server no window ever waits for another.
///
/// Slots are handed over first come, first served. A cancelled waiter leaves the queue with
/// `CancellationError` and holds no slot.
final class ProcessingSlots: Sendable {
  private struct State {
    var free: Int
    var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    var nextID: UInt64 = 0
  }

  private let state: NIOLockedValueBox<State>

  init(limit: Int) {
    self.state = NIOLockedValueBox(State(free: max(1, limit)))
  }

  /// Slots free now (for tests).
  var free: Int { state.withLockedValue { $0.free } }
  /// Windows waiting for a slot (for tests).
  var waiting: Int { state.withLockedValue { $0.waiters.count } }

  /// Takes a slot, waiting for one if none is free.
  func acquire() async throws {
    let id: UInt64? = state.withLockedValue { state in
      if state.free > 0 {
        state.free -= 1
        return nil
      }
      state.nextID += 1
      return state.nextID
    }
    guard let id else { return }
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        // Checked under the lock: a handler that ran before this found nothing to resume.
        let cancelled = state.withLockedValue { state in
          if Task.isCancelled { return true }
          state.waiters.append((id, continuation))
          return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
      }
    } onCancel: {
      let waiter = state.withLockedValue { state in
        state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0).continuation }
      }
      waiter?.resume(throwing: CancellationError())
    }
  }

  /// Gives a slot back: to the longest waiting window if any, else to the pool.
  func release() {
    let next = state.withLockedValue { state in
      if state.waiters.isEmpty {
        state.free += 1
        return CheckedContinuation<Void, any Error>?.none
      }
      return state.waiters.removeFirst().continuation
    }
    next?.resume()
  }
}
