import NIOCore

/// Remembers open connections so shutdown can close them (keep-alive clients included).
final class ConnectionTracker: Sendable {
  private struct State {
    var channels: [ObjectIdentifier: any Channel] = [:]
    var closed = false
  }

  private let state = Locked(State())

  /// Registers `channel`; closes it at once if the server already shut down.
  func track(_ channel: any Channel) {
    let id = ObjectIdentifier(channel)
    let accepted = self.state.withLock { state -> Bool in
      guard !state.closed else { return false }
      state.channels[id] = channel
      return true
    }
    guard accepted else {
      channel.close(promise: nil)
      return
    }
    channel.closeFuture.whenComplete { _ in
      _ = self.state.withLock { $0.channels.removeValue(forKey: id) }
    }
  }

  func closeAll() async {
    let channels = self.state.withLock { state in
      state.closed = true
      return Array(state.channels.values)
    }
    for channel in channels {
      try? await channel.close()
    }
  }
}
