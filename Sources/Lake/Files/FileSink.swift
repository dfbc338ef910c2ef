import Glibc

/// An open file written with plain POSIX calls: create (or truncate), write all, fsync, close.
///
/// Failures become ``LakeError`` values that name the path and the fix (ENOSPC, EACCES, …).
/// The `failureInjector` lets tests make a write fail with a chosen errno.
final class FileSink {
  let path: String
  private var fd: Int32
  private let failureInjector: FailureInjector?

  init(creating path: String, failureInjector: FailureInjector? = nil) throws(LakeError) {
    self.path = path
    self.failureInjector = failureInjector
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .io("create", path: path, errno: errno) }
    self.fd = fd
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws(LakeError) {
    if let code = failureInjector?.failure(for: path) { throw .io("write", path: path, errno: code) }
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw .io("write", path: path, errno: errno)
      }
      offset += written
    }
  }

  func write(_ bytes: [UInt8]) throws(LakeError) {
    let failure: LakeError? = bytes.withUnsafeBytes { buffer in
      do throws(LakeError) {
        try write(buffer)
        return nil
      } catch {
        return error
      }
    }
    if let failure { throw failure }
  }

  func sync() throws(LakeError) {
    guard fsync(fd) == 0 else { throw .io("fsync", path: path, errno: errno) }
  }

  func close() throws(LakeError) {
    guard fd >= 0 else { return }
    let result = Glibc.close(fd)
    fd = -1
    guard result == 0 else { throw .io("close", path: path, errno: errno) }
  }

  deinit {
    if fd >= 0 { _ = Glibc.close(fd) }
  }
}

/// Makes chosen file writes fail, so tests can show what a full disk does.
public struct FailureInjector: Sendable {
  private let rule: @Sendable (String) -> Int32?

  /// `rule` gets each path about to be written and returns an errno to fail with, or nil.
  public init(_ rule: @escaping @Sendable (String) -> Int32?) {
    self.rule = rule
  }

  func failure(for path: String) -> Int32? { rule(path) }
}
