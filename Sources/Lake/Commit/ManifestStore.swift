import Foundation

/// Reads and writes `_manifest.json` files.
public enum ManifestStore {
  /// The manifest of the partition folder `directory`, nil when it has none.
  public static func read(directory: String) throws(LakeError) -> Manifest? {
    let path = "\(directory)/\(Manifest.fileName)"
    guard FileSystem.exists(path) else { return nil }
    let fix = "delete the partition folder \(directory) and run the export again for its day"
    guard let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(try FileSystem.read(path)))
    else {
      throw .corrupt(path, "not a manifest this version can read", fix: fix)
    }
    if let outside = manifest.files.first(where: { !isPlainFileName($0.path) }) {
      throw .corrupt(path, "lists '\(outside.path)', which is not a file inside its partition", fix: fix)
    }
    return manifest
  }

  /// The manifest in `bytes`, nil when they are not one this version can read or when it names
  /// a file outside its partition.
  static func decode(_ bytes: [UInt8]) -> Manifest? {
    guard let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(bytes)),
      manifest.files.allSatisfy({ isPlainFileName($0.path) })
    else { return nil }
    return manifest
  }

  /// Whether `name` names a file directly inside the partition folder: never a path (`a/b`,
  /// `../../etc/hostname`), `.`, `..`, empty, or with a NUL. Readers, `verify` and the committer
  /// only ever open or delete such names, so a tampered manifest cannot reach outside the lake.
  public static func isPlainFileName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
  }

  /// Writes `manifest` into `directory` atomically (temporary file, fsync, rename): a manifest
  /// rewritten in place is an empty object for a moment on an object-storage mount. A commit goes through ``PartitionCommitter`` instead, which orders
  /// this write with the part files' renames.
  public static func write(
    _ manifest: Manifest, directory: String, failureInjector: FailureInjector? = nil
  ) throws(LakeError) {
    try FileSystem.writeAtomically(
      JSONText.encode(manifest), to: "\(directory)/\(Manifest.fileName)", failureInjector: failureInjector)
  }
}
