/// How part files become visible (design.md §3; README "Object storage").
///
/// Both modes follow one protocol (``PartitionCommitter``): part files and the manifest are
/// written under hidden names (`.part-….tmp`, `._manifest.json.tmp`) that Spark, Hive, DuckDB's
/// hive partitioning and the README's globs skip, and a commit renames them to their final
/// names, the manifest last. Readers that glob `part-*` therefore never see a part that is not
/// whole, on a local disk or on an object-storage mount alike.
///
/// `direct` once wrote part files under their final names, because a rename on an
/// object-storage mount (s3fs, gcsfuse, goofys) is a server-side copy. Measured on s3fs: a
/// process killed while writing leaves its truncated file uploaded under the name it was
/// writing, and a manifest rewritten in place is an empty object for a moment. A server-side
/// copy, by contrast, makes the object appear whole, and every part name is new (it carries the
/// run id), so no object a reader may be reading is ever replaced. So `direct` now stages like
/// `rename`; the key is kept so that configs naming it keep working.
public enum CommitMode: String, Sendable {
  case rename, direct

  /// The hidden name a part file is written under before its commit (in both modes).
  public static func stagingName(for finalName: String) -> String { ".\(finalName).tmp" }
}
