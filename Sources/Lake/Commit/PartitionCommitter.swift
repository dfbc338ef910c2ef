/// The commit protocol for one partition folder (design.md §3):
///
/// 1. part files were written under hidden temporary names and fsynced (``PartFile``);
/// 2. rename them to their final names;
/// 3. write `_manifest.json` (temporary name, fsync, rename) listing exactly those files;
/// 4. delete files the new manifest does not list (an earlier run's, or a crashed run's temps);
/// 5. fsync the folder again if step 4 removed anything.
///
/// A crash before 3 leaves the old manifest in force (new files are unlisted extras that the next
/// commit removes); after 3 the partition is the new one.
public enum PartitionCommitter {
  static func commit(
    _ manifest: Manifest, directory: String, mode: CommitMode, failureInjector: FailureInjector?
  ) throws(LakeError) {
    try FileSystem.makeDirectories(directory)
    if mode == .rename {
      for file in manifest.files {
        try FileSystem.rename(
          "\(directory)/\(mode.stagingName(for: file.path))", to: "\(directory)/\(file.path)")
      }
    }
    try ManifestStore.write(manifest, directory: directory, mode: mode, failureInjector: failureInjector)
    let keep = Set(manifest.files.map(\.path) + [Manifest.fileName])
    var removed = false
    for name in try FileSystem.list(directory) where !keep.contains(name) && isOurs(name) {
      try FileSystem.remove("\(directory)/\(name)")
      removed = true
    }
    // In rename mode the manifest's rename (and the part files' before it) was made durable by
    // its own folder fsync; then only removals still need one.
    if removed || mode == .direct { try FileSystem.syncDirectory(directory) }
    // A new partition folder is itself an entry of its parent: make it durable too.
    try FileSystem.syncDirectory(FileSystem.split(directory).directory)
  }

  /// Files the lake writer owns in a partition folder: part files and their temporaries.
  static func isOurs(_ name: String) -> Bool {
    name.hasPrefix("part-") || name.hasPrefix(".part-")
  }
}
