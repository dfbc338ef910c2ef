import NIOCore

/// Holds every export answer until `requests` export requests have come in, or `timeout` has
/// passed since the first: a client that opens that many windows together then has them all in
/// flight at once, however slowly a loaded machine schedules it, and one that opens fewer is
/// seen to (its answers start after the timeout, so no window ends before the others start).
public struct FakeExportGate: Sendable {
  public var requests: Int
  public var timeout: Duration

  public init(requests: Int, timeout: Duration = .seconds(60)) {
    self.requests = max(1, requests)
    self.timeout = timeout
  }
}

/// The server's side of a ``FakeExportGate``: counts export requests, and releases the held
/// ones (each on its own event loop) once enough came or the timeout fired.
final class ExportGate: Sendable {
  private struct State {
    var arrived = 0
    var open = false
    var held: [EventLoopPromise<Void>] = []
  }

  private let settings: FakeExportGate
  private let state = Locked(State())

  init(_ settings: FakeExportGate) {
    self.settings = settings
  }

  /// Succeeds when this request may be answered.
  func arrive(on loop: any EventLoop) -> EventLoopFuture<Void> {
    let promise = loop.makePromise(of: Void.self)
    let (held, first, enough) = self.state.withLock { state -> (Bool, Bool, Bool) in
      guard !state.open else { return (false, false, false) }
      state.arrived += 1
      state.held.append(promise)
      return (true, state.arrived == 1, state.arrived >= self.settings.requests)
    }
    if !held {
      promise.succeed(())
    } else if enough {
      self.openNow()
    } else if first {
      loop.scheduleTask(in: TimeAmount(self.settings.timeout)) { self.openNow() }
    }
    return promise.futureResult
  }

  /// Opens the gate (idempotent) and releases every held answer.
  private func openNow() {
    let release = self.state.withLock { state -> [EventLoopPromise<Void>] in
      state.open = true
      defer { state.held = [] }
      return state.held
    }
    for held in release { held.succeed(()) }
  }
}
