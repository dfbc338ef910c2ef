/// How part files become visible (design.md §3; README "Object storage").
///
/// | mode     | writes                         | visible when                  | use on                         |
/// | -------- | ------------------------------ | ----------------------------- | ------------------------------ |
/// | `rename` | hidden temp names, then rename | the rename (atomic), manifest | local disks, NFS, HDFS mounts  |
/// | `direct` | final names, no rename         | close of the file; manifest   | s3fs, gcsfuse, goofys (rename is a copy there) |
///
/// In `rename` mode nothing new is visible until the new manifest is written and fsynced under a
/// temporary name; a failure after that (a rename) undoes the renames made, so readers that glob
/// `part-*` see the old files or the new ones, never both (``PartitionCommitter``).
///
/// In `direct` mode a part file appears once it is closed, before its partition's manifest
/// is written: readers that glob part files see a new run's files beside the old ones until
/// the manifest lands and the old files are removed (and, after a crash in that time, until the
/// next commit of the partition). If writing the manifest fails (a full disk), the new files are
/// deleted and the old manifest is written back. Readers that follow `_manifest.json` see a
/// consistent partition in both modes, except that on a local disk a crash while the manifest
/// is written in place can leave it torn; on object storage it is one upload.
public enum CommitMode: String, Sendable {
  case rename, direct

  /// The name a part file is written under before its commit.
  func stagingName(for finalName: String) -> String {
    switch self {
    case .rename: return ".\(finalName).tmp"
    case .direct: return finalName
    }
  }
}
