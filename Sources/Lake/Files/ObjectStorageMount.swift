import Glibc

/// Tells a FUSE mount (s3fs, gcsfuse, mountpoint-s3, goofys, rclone) from a local disk:
/// `/proc/self/mountinfo` names the file system of the deepest mount point above the path
/// (`fuse.s3fs`, `fuse.gcsfuse`, …). (`statfs(2)` only says FUSE, `f_type` 0x65735546, and GNU
/// `stat -f` prints that as "fuseblk".)
///
/// On such a mount `flock` binds only the processes of that one mount of that one host, which
/// is why a writing run also takes the lease in the lake (``LakeLease``).
public enum ObjectStorageMount {
  /// The FUSE file system type of `path` (`fuse.s3fs`), or nil when `path` is not on FUSE.
  public static func detect(_ path: String) -> String? {
    guard let type = mountType(of: path), type.hasPrefix("fuse") else { return nil }
    return type
  }

  /// The file system type of the deepest mount point above `path`, from mountinfo.
  static func mountType(of path: String) -> String? {
    guard let file = fopen("/proc/self/mountinfo", "r") else { return nil }
    defer { fclose(file) }
    var best: (point: String, type: String)?
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0, let line {
      // id parent major:minor root mount-point options … - fstype source super-options
      let fields = String(decoding: UnsafeRawBufferPointer(start: line, count: strlen(line)), as: UTF8.self)
        .split(separator: " ")
      guard fields.count > 4, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
      let point = fields[4].replacingOccurrences(of: "\\040", with: " ")
      let under = path == point || path.hasPrefix(point == "/" ? "/" : point + "/")
      if under, point.count >= (best?.point.count ?? -1) {
        best = (point, String(fields[dash + 1]))
      }
    }
    return best?.type
  }
}
