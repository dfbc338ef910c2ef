import Glibc

/// A failure of the lake on disk, with the path involved and what to do about it.
public struct LakeError: Error, CustomStringConvertible, Sendable {
  private enum Code: Sendable { case io, corrupt, usage }
  private let code: Code
  public let message: String

  public var description: String { message }

  /// True when the disk or the file system failed (exit code 4 material).
  public var isLocalIO: Bool { code == .io }

  /// A system call failed on `path`.
  public static func io(_ operation: String, path: String, errno: Int32) -> LakeError {
    let reason = String(cString: strerror(errno))
    var hint = ""
    switch errno {
    case EACCES, EPERM, EROFS: hint = "; check that the lake directory is writable"
    case ENOSPC, EDQUOT: hint = "; free disk space, then run again (nothing was committed half)"
    default: break
    }
    return LakeError(code: .io, message: "cannot \(operation) \(path): \(reason)\(hint)")
  }

  /// A lake file that should hold JSON we wrote does not parse.
  public static func corrupt(_ path: String, _ detail: String, fix: String) -> LakeError {
    LakeError(code: .corrupt, message: "\(path) is corrupt (\(detail)); \(fix)")
  }

  /// Something the caller asked for makes no sense.
  public static func usage(_ message: String) -> LakeError {
    LakeError(code: .usage, message: message)
  }
}
