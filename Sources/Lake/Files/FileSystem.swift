import Glibc

/// The few file-system operations the commit protocol needs, as POSIX calls with errors that
/// name the path. Stateless; every function is safe to call from any task.
public enum FileSystem {
  /// Creates `path` and its parents when missing.
  public static func makeDirectories(_ path: String) throws(LakeError) {
    var current = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
      current += "/" + component
      if mkdir(current, 0o755) != 0, errno != EEXIST {
        throw .io("create directory", path: current, errno: errno)
      }
    }
  }

  /// Whether something exists at `path`.
  public static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
  }

  /// Whether `path` is a directory.
  public static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// The size of the file at `path`, or nil when it does not exist.
  public static func size(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int(info.st_size)
  }

  /// Names in directory `path` (no `.`/`..`); empty when it does not exist.
  public static func list(_ path: String) throws(LakeError) -> [String] {
    guard let dir = opendir(path) else {
      if errno == ENOENT { return [] }
      throw .io("list", path: path, errno: errno)
    }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
      }
      if name != ".", name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// Renames atomically (same file system); an error names both paths.
  public static func rename(
    _ from: String, to: String, failureInjector: FailureInjector? = nil
  ) throws(LakeError) {
    let code = failureInjector?.failure(.rename, from) ?? (Glibc.rename(from, to) == 0 ? 0 : errno)
    guard code == 0 else { throw .io("rename", path: "\(from) to \(to)", errno: code) }
  }

  /// Removes a file; a missing file is not an error.
  public static func remove(_ path: String, failureInjector: FailureInjector? = nil) throws(LakeError) {
    let code = failureInjector?.failure(.remove, path) ?? (unlink(path) == 0 ? 0 : errno)
    guard code == 0 || code == ENOENT else { throw .io("remove", path: path, errno: code) }
  }

  /// Removes an empty directory; a missing or non-empty one is left alone.
  public static func removeEmptyDirectory(_ path: String) {
    _ = rmdir(path)
  }

  /// Flushes a directory's entries (renames, creations) to disk. Object-storage mounts that cannot
  /// do this are tolerated: EINVAL and ENOTSUP are ignored.
  public static func syncDirectory(
    _ path: String, failureInjector: FailureInjector? = nil
  ) throws(LakeError) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw .io("open directory", path: path, errno: errno) }
    defer { close(fd) }
    let code = failureInjector?.failure(.fsyncDirectory, path) ?? (fsync(fd) == 0 ? 0 : errno)
    if code != 0, code != EINVAL, code != ENOTSUP, code != EROFS {
      throw .io("fsync directory", path: path, errno: code)
    }
  }

  /// Reads a whole (small) file.
  public static func read(_ path: String) throws(LakeError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .io("read", path: path, errno: errno) }
    defer { close(fd) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .io("read", path: path, errno: errno)
      }
      if count == 0 { return result }
      result.append(contentsOf: buffer[0..<count])
    }
  }

  /// Writes `bytes` to `path` so that readers see the old file or the new one, never a mix:
  /// a hidden temporary file beside it, fsync, rename, fsync of the directory.
  public static func writeAtomically(
    _ bytes: [UInt8], to path: String, failureInjector: FailureInjector? = nil
  ) throws(LakeError) {
    let (directory, name) = split(path)
    let temporary = "\(directory)/.\(name).tmp-\(getpid())"
    do {
      try writeDurably(bytes, to: temporary, failureInjector: failureInjector)
      try rename(temporary, to: path, failureInjector: failureInjector)
    } catch {
      try? remove(temporary)
      throw error
    }
    try syncDirectory(directory, failureInjector: failureInjector)
  }

  /// Creates `path` (replacing it), writes `bytes`, fsyncs and closes it; the file is closed
  /// whatever fails.
  public static func writeDurably(
    _ bytes: [UInt8], to path: String, failureInjector: FailureInjector? = nil
  ) throws(LakeError) {
    let sink = try FileSink(creating: path, failureInjector: failureInjector)
    do {
      try sink.write(bytes)
      try sink.sync()
      try sink.close()
    } catch {
      try? sink.close()
      throw error
    }
  }

  /// Splits a path into its directory and last component.
  public static func split(_ path: String) -> (directory: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
  }
}
