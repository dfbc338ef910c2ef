import Glibc

/// An open file written with plain POSIX calls: create (or truncate), write all, fsync, close.
///
/// Failures become ``LakeError`` values that name the path and the fix (ENOSPC, EACCES, …).
/// The `failureInjector` lets tests make the create, a write, the fsync or the close fail with a
/// chosen errno.
final class FileSink {
  let path: String
  private var fd: Int32
  private let failureInjector: FailureInjector?

  init(creating path: String, failureInjector: FailureInjector? = nil) throws(LakeError) {
    self.path = path
    self.failureInjector = failureInjector
    if let code = failureInjector?.failure(.create, path) { throw .io("create", path: path, errno: code) }
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .io("create", path: path, errno: errno) }
    self.fd = fd
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws(LakeError) {
    if let code = failureInjector?.failure(.write, path) { throw .io("write", path: path, errno: code) }
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
    if let code = failureInjector?.failure(.fsync, path) { throw .io("fsync", path: path, errno: code) }
    guard fsync(fd) == 0 else { throw .io("fsync", path: path, errno: errno) }
  }

  func close() throws(LakeError) {
    guard fd >= 0 else { return }
    let result = Glibc.close(fd)
    fd = -1
    if let code = failureInjector?.failure(.close, path) { throw .io("close", path: path, errno: code) }
    guard result == 0 else { throw .io("close", path: path, errno: errno) }
  }

  deinit {
    if fd >= 0 { _ = Glibc.close(fd) }
  }
}

/// Makes chosen file operations fail, so tests can show what a full disk does at each step.
public struct FailureInjector: Sendable {
  /// A call the lake makes on a path, where an injected errno can strike.
  public enum Operation: String, Sendable, CaseIterable {
    /// Opening a file for writing (``FileSink``).
    case create
    /// Each write to an open file.
    case write
    /// The fsync of a written file.
    case fsync
    /// The close of a written file.
    case close
    /// A rename; the path is the source.
    case rename
    /// Deleting a file.
    case remove
    /// The fsync of a directory.
    case fsyncDirectory
  }

  private let rule: @Sendable (Operation, String) -> Int32?

  /// `rule` gets each path about to be written and returns an errno to fail with, or nil.
  /// It is asked about ``Operation/write`` only.
  public init(_ rule: @escaping @Sendable (String) -> Int32?) {
    self.rule = { operation, path in operation == .write ? rule(path) : nil }
  }

  /// `rule` gets every operation of the lake's writers (``Operation``) with its path and returns
  /// an errno to fail with, or nil.
  public init(operations rule: @escaping @Sendable (Operation, String) -> Int32?) {
    self.rule = rule
  }

  func failure(_ operation: Operation, _ path: String) -> Int32? { rule(operation, path) }
}
