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
actor ReadAheadBuffer {
  private let limitBytes: Int
  /// Also a cap on chunks: a small read can pin a much larger allocation.
  private let limitChunks = 16
  private var chunks: [ByteBuffer] = []
  private var head = 0
  private var bufferedBytes = 0
  private var ended = false
  private var failure: (any Error)?
  private var receiver: CheckedContinuation<ByteBuffer?, any Error>?
  private var sender: CheckedContinuation<Void, any Error>?

  init(limitBytes: Int) {
    self.limitBytes = limitBytes
  }

  /// Adds a chunk; waits while the buffer is full. Throws when cancelled.
  func send(_ chunk: ByteBuffer) async throws {
    while bufferedBytes >= limitBytes || chunks.count - head >= limitChunks, !ended {
      try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
          if Task.isCancelled {
            continuation.resume(throwing: CancellationError())
          } else {
            sender = continuation
          }
        }
      } onCancel: {
        Task { await self.cancelSender() }
      }
    }
    guard !ended else { throw CancellationError() }
    if let receiver {
      self.receiver = nil
      receiver.resume(returning: chunk)
      return
    }
    chunks.append(chunk)
    bufferedBytes += chunk.readableBytes
  }

  /// The next chunk, or nil once the body ended; rethrows the reader's error.
  func next() async throws -> ByteBuffer? {
    if head < chunks.count {
      let chunk = chunks[head]
      chunks[head] = ByteBuffer()  // let go of its storage now
      head += 1
      bufferedBytes -= chunk.readableBytes
      if head > 64, head * 2 > chunks.count {
        chunks.removeFirst(head)
        head = 0
      }
      if let sender, bufferedBytes < limitBytes, chunks.count - head < limitChunks {
        self.sender = nil
        sender.resume()
      }
      return chunk
    }
    if let failure { throw failure }
    if ended { return nil }
    return try await withCheckedThrowingContinuation { receiver = $0 }
  }

  /// The body ended (`error` nil) or failed.
  func finish(_ error: (any Error)?) {
    guard !ended else { return }
    ended = true
    failure = error
    if let receiver {
      self.receiver = nil
      if let error { receiver.resume(throwing: error) } else { receiver.resume(returning: nil) }
    }
    if let sender {
      self.sender = nil
      sender.resume(throwing: CancellationError())
    }
  }

  private func cancelSender() {
    if let sender {
      self.sender = nil
      sender.resume(throwing: CancellationError())
    }
  }
}
