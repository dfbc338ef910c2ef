import Glibc

/// An exclusive lock on a lake for one writing run: `flock` on `<lake>/.lock`. Two runs writing
/// the same lake (a backfill still going when the nightly cron fires) would replace each
/// other's partitions and state; the second one stops at once instead. The kernel drops the
/// lock when the process ends, however it ends, so a crash never leaves the lake locked.
///
/// Some FUSE mounts of object storage do not implement `flock`; there the run goes on unlocked
/// (``unavailableReason`` says why, and the caller warns) rather than refusing to write at all.
public final class LakeLock: Sendable {
  public let path: String
  private let descriptor: Int32
  /// Why the lock is not held (the file system does not support it); nil when it is held.
  public let unavailableReason: String?

  private init(path: String, descriptor: Int32, unavailableReason: String? = nil) {
    self.path = path
    self.descriptor = descriptor
    self.unavailableReason = unavailableReason
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  /// Takes the lock of `lake` (creating the folder); throws when another run holds it.
  public static func acquire(lake: String) throws(LakeError) -> LakeLock {
    try FileSystem.makeDirectories(lake)
    let path = LakeLayout(root: lake).lock
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .io("open", path: path, errno: errno) }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let error = errno
      close(descriptor)
      if error == EWOULDBLOCK {
        throw .usage(
          "another mixpanel-lake run is writing the lake \(lake) (it holds \(path)); let it finish, then run again"
        )
      }
      return LakeLock(path: path, descriptor: -1, unavailableReason: String(cString: strerror(error)))
    }
    return LakeLock(path: path, descriptor: descriptor)
  }
}
