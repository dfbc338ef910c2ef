import NIOPosix

/// Blocking file work (fsync, rename) on NIO's blocking-I/O pool, awaited by the caller, so the
/// cooperative threads keep parsing and compressing other windows while the disk syncs.
///
/// Unlike `NIOThreadPool.runIfActive`, work submitted here is not skipped when the awaiting task
/// is cancelled: a window that was read whole is still committed, and a committed window's
/// bookmark is still saved, while a run shuts down on SIGINT or SIGTERM.
enum BlockingIO {
  static func run<T: Sendable>(
    on pool: NIOThreadPool = .singleton, _ work: @escaping @Sendable () throws -> T
  ) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      pool.submit { state in
        guard case .active = state else {
          continuation.resume(throwing: CancellationError())  // the pool itself is shutting down
          return
        }
        continuation.resume(with: Result { try work() })
      }
    }
  }
}

/// Moves a non-Sendable value to another thread while its owner awaits the result.
struct Handoff<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
