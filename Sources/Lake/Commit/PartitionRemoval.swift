/// Removes a committed partition through the commit protocol, so a reader never sees half of
/// it: first an empty manifest is committed (``PartitionCommitter``; the part files are deleted
/// in its clean-up step), then the manifest and the empty folder go. A reader that follows
/// manifests sees the old partition, then an empty one, then none; one that globs sees all of
/// the old part files or none of them.
public enum PartitionRemoval {
  /// What one removal took away.
  public struct Removed: Sendable, Equatable {
    public var relative: String
    public var rows: Int
    public var files: Int
  }

  /// Removes the partition folder `relative` (under `lakeRoot`); nil when it does not exist.
  public static func remove(
    lakeRoot: String, relative: String, stream: String, runID: String, committedAt: String,
    fence: CommitFence?
  ) throws(LakeError) -> Removed? {
    let directory = "\(lakeRoot)/\(relative)"
    guard FileSystem.isDirectory(directory) else { return nil }
    let old = try ManifestStore.read(directory: directory)
    try fence?.check()
    let empty = Manifest(
      formatVersion: Manifest.currentFormatVersion, stream: stream, partition: relative,
      window: ManifestWindow(id: "reset-\(runID)", fromDate: "", toDate: ""), runID: runID,
      committedAt: committedAt, compression: old?.compression ?? "", rows: 0, bytes: 0, uncompressedBytes: 0,
      minTime: nil, maxTime: nil, files: [])
    try PartitionCommitter.switchOver(empty, directory: directory, failureInjector: nil)
    try PartitionCommitter.cleanUp(empty, directory: directory, failureInjector: nil)
    try FileSystem.remove("\(directory)/\(Manifest.fileName)")
    FileSystem.removeEmptyDirectory(directory)
    return Removed(relative: relative, rows: old?.rows ?? 0, files: old?.files.count ?? 0)
  }
}
