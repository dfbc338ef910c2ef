import NIOConcurrencyHelpers
import NIOCore

/// A bounded hand-over between a task that drains an HTTP body and the task that parses and
/// writes it, so reading the socket overlaps with compressing instead of taking turns.
///
/// ```
///  HTTP body ──► reader task ──► [ ≤ limitBytes ] ──► parser/writer
///                 (waits when full)                     (waits when empty)
/// ```
///
/// AsyncHTTPClient reads one chunk ahead of its consumer; without this the socket sits idle
/// while a chunk is compressed, and the compressor sits idle while the next one is read.
/// Back-pressure is kept: the reader stops (and TCP slows the server) once `limitBytes` wait.
///
/// A lock rather than an actor: a hand-over is a few instructions, and a cancelled sender must
/// be woken from the cancellation handler synchronously (no task spawned to reach an actor).
final class ReadAheadBuffer: Sendable {
  private struct State {
    var chunks: [ByteBuffer] = []
    /// Every byte sent so far (the stall watchdog compares two samples).
    var receivedBytes = 0
    var head = 0
    var bufferedBytes = 0
    var ended = false
    var failure: (any Error)?
    var receiver: CheckedContinuation<ByteBuffer?, any Error>?
    var sender: CheckedContinuation<Void, any Error>?

    func hasRoom(limitBytes: Int, limitChunks: Int) -> Bool {
      bufferedBytes < limitBytes && chunks.count - head < limitChunks
    }

    /// Takes the oldest chunk, if any.
    mutating func pop() -> ByteBuffer? {
      guard head < chunks.count else { return nil }
      let chunk = chunks[head]
      chunks[head] = ByteBuffer()  // let go of its storage now
      head += 1
      bufferedBytes -= chunk.readableBytes
      if head > 64, head * 2 > chunks.count {
        chunks.removeFirst(head)
        head = 0
      }
      return chunk
    }
  }

  private let limitBytes: Int
  /// Also a cap on chunks: a small read can pin a much larger allocation.
  private let limitChunks = 16
  private let state = NIOLockedValueBox(State())

  init(limitBytes: Int) {
    self.limitBytes = limitBytes
  }

  /// Bytes received so far, and whether the parser is behind (chunks wait for it, or the sender
  /// waits for room): then a slow flow is this side's back-pressure, not a stalled server.
  var flow: (receivedBytes: Int, parserBehind: Bool) {
    state.withLockedValue { ($0.receivedBytes, $0.bufferedBytes > 0 || $0.sender != nil) }
  }

  /// Whether a sender is parked waiting for room (for tests).
  var senderIsWaiting: Bool { state.withLockedValue { $0.sender != nil } }

  /// Adds a chunk; waits while the buffer is full. Throws when cancelled or after ``finish(_:)``.
  func send(_ chunk: ByteBuffer) async throws {
    while true {
      enum Step {
        case delivered(CheckedContinuation<ByteBuffer?, any Error>?)
        case full
        case closed
      }
      let step = state.withLockedValue { state -> Step in
        if state.ended { return .closed }
        if let receiver = state.receiver {
          state.receiver = nil
          state.receivedBytes += chunk.readableBytes
          return .delivered(receiver)
        }
        guard state.hasRoom(limitBytes: limitBytes, limitChunks: limitChunks) else { return .full }
        state.receivedBytes += chunk.readableBytes
        state.chunks.append(chunk)
        state.bufferedBytes += chunk.readableBytes
        return .delivered(nil)
      }
      switch step {
      case .closed:
        throw CancellationError()
      case .delivered(let receiver):
        receiver?.resume(returning: chunk)
        return
      case .full:
        try await waitForRoom()
      }
    }
  }

  /// Parks the sender until the receiver takes a chunk, the buffer ends, or the task is cancelled.
  private func waitForRoom() async throws {
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        enum Now {
          case wait
          case retry
          case cancel
        }
        let now = state.withLockedValue { state -> Now in
          if Task.isCancelled || state.ended { return .cancel }
          // Room may have appeared since the caller looked.
          if state.hasRoom(limitBytes: limitBytes, limitChunks: limitChunks) { return .retry }
          state.sender = continuation
          return .wait
        }
        switch now {
        case .wait: break
        case .retry: continuation.resume()
        case .cancel: continuation.resume(throwing: CancellationError())
        }
      }
    } onCancel: {
      let sender = state.withLockedValue { state in
        defer { state.sender = nil }
        return state.sender
      }
      sender?.resume(throwing: CancellationError())
    }
  }

  /// What ``poll()`` found.
  enum Poll {
    case chunk(ByteBuffer)
    /// Nothing buffered yet; the body goes on.
    case empty
    /// The body ended and every chunk was taken.
    case ended
  }

  /// One look at the buffer, under the lock.
  private enum Step {
    case chunk(ByteBuffer, wake: CheckedContinuation<Void, any Error>?)
    case failed(any Error)
    case ended
    case empty
  }

  /// Takes the oldest chunk (and the parked sender, if that made room), or says why there is none.
  private func take(_ state: inout State) -> Step {
    if let chunk = state.pop() {
      var wake: CheckedContinuation<Void, any Error>?
      if state.hasRoom(limitBytes: limitBytes, limitChunks: limitChunks) {
        wake = state.sender
        state.sender = nil
      }
      return .chunk(chunk, wake: wake)
    }
    if let failure = state.failure { return .failed(failure) }
    return state.ended ? .ended : .empty
  }

  /// The next chunk if one is buffered, without waiting; rethrows the reader's error.
  func poll() throws -> Poll {
    switch state.withLockedValue({ take(&$0) }) {
    case .chunk(let chunk, let wake):
      wake?.resume()
      return .chunk(chunk)
    case .failed(let error): throw error
    case .ended: return .ended
    case .empty: return .empty
    }
  }

  /// The next chunk, or nil once the body ended; rethrows the reader's error.
  func next() async throws -> ByteBuffer? {
    switch try poll() {
    case .chunk(let chunk): return chunk
    case .ended: return nil
    case .empty: break
    }
    return try await withCheckedThrowingContinuation { continuation in
      let step = state.withLockedValue { state -> Step in
        let step = take(&state)
        if case .empty = step { state.receiver = continuation }
        return step
      }
      switch step {
      case .empty: break
      case .chunk(let chunk, let wake):
        wake?.resume()
        continuation.resume(returning: chunk)
      case .failed(let error): continuation.resume(throwing: error)
      case .ended: continuation.resume(returning: nil)
      }
    }
  }

  /// The body ended (`error` nil) or failed.
  func finish(_ error: (any Error)?) {
    let (receiver, sender) = state.withLockedValue { state in
      guard !state.ended else {
        return (CheckedContinuation<ByteBuffer?, any Error>?.none, CheckedContinuation<Void, any Error>?.none)
      }
      state.ended = true
      state.failure = error
      defer {
        state.receiver = nil
        state.sender = nil
      }
      return (state.receiver, state.sender)
    }
    if let receiver {
      if let error { receiver.resume(throwing: error) } else { receiver.resume(returning: nil) }
    }
    sender?.resume(throwing: CancellationError())
  }
}
