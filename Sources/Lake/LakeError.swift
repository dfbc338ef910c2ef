import Glibc

/// A failure of the lake on disk, with the path involved and what to do about it.
public struct LakeError: Error, CustomStringConvertible, Sendable {
  private enum Code: Sendable { case io, corrupt, usage }
  private let code: Code
  public let message: String
  /// The errno of a failed system call; nil for other failures.
  let errorNumber: Int32?

  public var description: String { message }

  /// True when the disk or the file system failed (exit code 4 material).
  public var isLocalIO: Bool { code == .io }

  /// A system call failed on `path`.
  public static func io(_ operation: String, path: String, errno: Int32) -> LakeError {
    io(operation, path: path, errno: errno, hint: true)
  }

  /// A system call failed on `path`; `hint: false` leaves out what to do, for a caller that says
  /// it in its own ``noting(_:)``.
  static func io(_ operation: String, path: String, errno: Int32, hint: Bool) -> LakeError {
    let reason = String(cString: strerror(errno))
    var advice = ""
    switch hint ? errno : 0 {
    case EACCES, EPERM, EROFS: advice = "; check that the lake directory is writable"
    case ENOSPC, EDQUOT: advice = "; free disk space, then run again (nothing was committed half)"
    default: break
    }
    return LakeError(
      code: .io, message: "cannot \(operation) \(path): \(reason)\(advice)", errorNumber: errno)
  }

  /// The same failure, followed by what it left behind (`…; export/day=2024-06-01 is unchanged`).
  func noting(_ note: String) -> LakeError {
    LakeError(code: code, message: "\(message); \(note)", errorNumber: errorNumber)
  }

  /// A lake file that should hold JSON we wrote does not parse.
  public static func corrupt(_ path: String, _ detail: String, fix: String) -> LakeError {
    LakeError(code: .corrupt, message: "\(path) is corrupt (\(detail)); \(fix)", errorNumber: nil)
  }

  /// Something the caller asked for makes no sense.
  public static func usage(_ message: String) -> LakeError {
    LakeError(code: .usage, message: message, errorNumber: nil)
  }
}
