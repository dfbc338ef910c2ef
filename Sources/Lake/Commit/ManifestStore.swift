import Foundation

/// Reads and writes `_manifest.json` files.
public enum ManifestStore {
  /// The manifest of the partition folder `directory`, nil when it has none.
  public static func read(directory: String) throws(LakeError) -> Manifest? {
    let path = "\(directory)/\(Manifest.fileName)"
    guard FileSystem.exists(path) else { return nil }
    guard let manifest = decode(try FileSystem.read(path)) else {
      throw .corrupt(
        path, "not a manifest this version can read",
        fix: "delete the partition folder \(directory) and run the export again for its day")
    }
    return manifest
  }

  /// The manifest in `bytes`, nil when they are not one this version can read.
  static func decode(_ bytes: [UInt8]) -> Manifest? {
    try? JSONDecoder().decode(Manifest.self, from: Data(bytes))
  }

  /// Writes `manifest` into `directory`: atomically (temporary file, fsync, rename) in `rename`
  /// mode, in place in `direct` mode. A commit goes through ``PartitionCommitter`` instead, which
  /// orders this write with the part files' renames.
  public static func write(
    _ manifest: Manifest, directory: String, mode: CommitMode = .rename,
    failureInjector: FailureInjector? = nil
  ) throws(LakeError) {
    let bytes = JSONText.encode(manifest)
    let path = "\(directory)/\(Manifest.fileName)"
    switch mode {
    case .rename:
      try FileSystem.writeAtomically(bytes, to: path, failureInjector: failureInjector)
    case .direct:
      // One PUT on object storage: the object appears whole when the file is closed.
      let sink = try FileSink(creating: path, failureInjector: failureInjector)
      try sink.write(bytes)
      try sink.sync()
      try sink.close()
    }
  }
}
