/// How part files become visible (design.md §3; README "Object storage").
///
/// | mode     | writes                         | visible when                  | use on                         |
/// | -------- | ------------------------------ | ----------------------------- | ------------------------------ |
/// | `rename` | hidden temp names, then rename | the rename (atomic), manifest | local disks, NFS, HDFS mounts  |
/// | `direct` | final names, no rename         | close of the file; manifest   | s3fs, gcsfuse, goofys (rename is a copy there) |
///
/// In `direct` mode a part file appears once it is closed, before its partition's manifest
/// is written: readers that glob part files may see a new run's files beside the old ones until
/// the manifest lands and the old files are removed. Readers that follow `_manifest.json` always
/// see a consistent partition in both modes.
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
