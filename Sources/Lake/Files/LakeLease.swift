import Foundation
import Glibc
import Synchronization

/// A lease on a lake, kept in the lake itself (`<lake>/_lease.json`): which run writes it, from
/// which host, since when, and until when it counts without a sign of life.
///
/// The `flock` of ``LakeLock`` binds the processes of one mount of one host. Two hosts (two
/// pods, a cron on two machines) mounting one bucket each get it, and without more they would
/// delete each other's parts. So a writing run also takes the lease, which every host sees:
///
/// - **Acquire**: a lease of another run that has not expired stops this run (exit 4, nothing
///   touched); an expired one, or one of a process of this host that is gone, is taken over.
///   The lease is written (hidden temporary, rename: one whole object), then read back: if
///   another run's write came last, this run stops.
/// - **Fence**: right before every partition commit (and before the sweep, the state and
///   `_SUCCESS`), ``check()`` reads the lease again; if another run owns it now, the run stops
///   with exit 4 before it replaces anything. ``check()`` also renews the lease (heartbeat) once
///   a third of its time has passed.
/// - **Release**: at the end of the run, if it is still this run's.
///
/// What it does not guarantee: object storage offers no compare-and-swap through a mount, so
/// two runs that start within the same second can both read back their own lease; the later
/// writer wins and the other stops at its next check, before its first commit. A run paused
/// for longer than the lease (a suspended VM) can lose it without knowing until its next check.
/// One schedule per project (a CronJob with `concurrencyPolicy: Forbid`) remains the
/// orchestrator's job.
public final class LakeLease: Sendable {
  /// The lease file's content.
  public struct Holder: Codable, Sendable, Equatable {
    public var formatVersion = 1
    public var runID: String
    public var host: String
    public var pid: Int32
    /// Epoch seconds.
    public var started: Int64
    public var heartbeat: Int64
    public var expires: Int64

    enum CodingKeys: String, CodingKey {
      case formatVersion = "format_version"
      case runID = "run_id"
      case host, pid, started, heartbeat, expires
    }

    /// One line for errors: who holds it and until when.
    var described: String {
      "run \(runID) on host \(host) (pid \(pid)) since \(Timestamp.iso8601(started)), "
        + "last renewed \(Timestamp.iso8601(heartbeat)), valid until \(Timestamp.iso8601(expires))"
    }
  }

  public let path: String
  public let seconds: Int64
  private let now: @Sendable () -> Int64
  private let current: Mutex<Holder>

  private init(path: String, holder: Holder, seconds: Int64, now: @escaping @Sendable () -> Int64) {
    self.path = path
    self.seconds = seconds
    self.now = now
    self.current = Mutex(holder)
  }

  /// This run's lease as last written.
  public var holder: Holder { current.withLock { $0 } }

  /// This host's name.
  public static var hostName: String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count) == 0 else { return "unknown" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Takes the lease of `lake` for `runID`; throws (exit 4) when another run holds it.
  public static func acquire(
    lake: String, runID: String, seconds: Int64 = 600, host: String = hostName,
    now: (@Sendable () -> Int64)? = nil
  ) throws(LakeError) -> LakeLease {
    let now: @Sendable () -> Int64 = now ?? { Int64(Glibc.time(nil)) }
    let path = LakeLayout(root: lake).lease
    let time = now()
    if let other = try read(path), other.runID != runID, other.expires > time,
      !(other.host == host && !isAlive(other.pid))
    {
      throw .usage(
        "another mixpanel-lake run holds the lake's lease \(path): \(other.described); let it finish "
          + "(if it crashed on another host, wait until the lease expires or delete \(path))")
    }
    let mine = Holder(
      runID: runID, host: host, pid: getpid(), started: time, heartbeat: time, expires: time + seconds)
    let lease = LakeLease(path: path, holder: mine, seconds: seconds, now: now)
    try lease.write(mine)
    try lease.check()
    return lease
  }

  /// Reads the lease back: throws (exit 4) when it is no longer this run's; renews it when a
  /// third of its time has passed.
  public func check() throws(LakeError) {
    let mine = holder
    let found = try Self.read(path)
    guard let found, found.runID == mine.runID else {
      let who = found.map(\.described) ?? "nobody (the file is gone or unreadable)"
      throw .usage(
        "this run lost the lake's lease \(path) to \(who); it stopped before replacing anything: "
          + "let the other run finish, then run again")
    }
    let time = now()
    if time - mine.heartbeat >= max(1, seconds / 3) {
      var renewed = mine
      renewed.heartbeat = time
      renewed.expires = time + seconds
      try write(renewed)
    }
  }

  /// Deletes the lease if it is still this run's.
  public func release() {
    guard let found = try? Self.read(path), found.runID == holder.runID else { return }
    try? FileSystem.remove(path)
  }

  private func write(_ holder: Holder) throws(LakeError) {
    try FileSystem.writeAtomically(JSONText.encode(holder), to: path)
    current.withLock { $0 = holder }
  }

  /// The lease at `path`; nil when there is none. An unreadable one is treated as none: a
  /// torn write of a crashed run must not lock the lake forever.
  static func read(_ path: String) throws(LakeError) -> Holder? {
    guard FileSystem.exists(path) else { return nil }
    let bytes = try FileSystem.read(path)
    return try? JSONDecoder().decode(Holder.self, from: Data(bytes))
  }

  /// Whether process `pid` of this host still runs (a zombie does not).
  static func isAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 || errno == EPERM else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return true }
    return stat[stat.index(after: close)...].dropFirst().first != "Z"
  }
}

/// Called right before each partition commit; throws to stop the commit (the run's lease was
/// lost to another run).
public struct CommitFence: Sendable {
  public let check: @Sendable () throws(LakeError) -> Void

  public init(_ check: @escaping @Sendable () throws(LakeError) -> Void) {
    self.check = check
  }

  /// A fence that checks `lease`.
  public init(lease: LakeLease) {
    self.check = { () throws(LakeError) in try lease.check() }
  }
}
