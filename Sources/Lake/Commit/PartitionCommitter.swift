import Glibc

/// The commit protocol for one partition folder (design.md §3).
///
/// Readers that glob `part-*` must never see a new run's files beside an old run's (DuckDB and
/// Spark would read both), and `_manifest.json` must list exactly the files they see. So nothing
/// new becomes visible until the manifest is sure to be written, and a failed step undoes the
/// steps before it.
///
/// Part files wait under hidden names (``CommitMode/stagingName(for:)``):
///
/// 1. write the new manifest to `._manifest.json.tmp`, fsync and close it: the one step that
///    needs disk space, so a full disk fails here, before anything is visible;
/// 2. rename each part file to its final name;
/// 3. rename `._manifest.json.tmp` onto `_manifest.json`: the commit point;
/// 4. delete the files the new manifest does not list (an earlier run's, a crashed run's
///    temporaries); one that cannot be deleted is hidden as `.<name>.stale`, which the next
///    commit deletes;
/// 5. fsync the folder (steps 2–4), then its parent (a new folder is an entry there).
///
/// If step 2 or 3 fails, the part files already renamed are renamed back to their hidden names
/// (or, failing that, deleted: the window is fetched again) and the temporary manifest is
/// deleted: the folder shows the old files and the old manifest. A failure in step 4 or 5
/// leaves the new partition committed and alone visible (unless a stale file can be neither
/// deleted nor hidden; the error then says which). Every error names the operation and the
/// file that failed. One folder's renames and deletions reach the disk in the order they were
/// made on journaled file systems (ext4, XFS; NFS does each at once), so a crash before step 5's
/// fsync cannot keep step 4's deletions and lose step 3's rename. A crash (not an error) between
/// steps 2 and 3 leaves new part files visible beside the old ones until the next commit of the
/// folder deletes them; nothing can prevent that without an atomic rename of several files.
///
/// Both commit modes follow these steps (``CommitMode``): on an object-storage mount each
/// rename is a server-side copy, which makes its object appear whole, and the sweep at the start
/// of every run (``LakeSweep``) removes what a crash between steps 2 and 3 left visible.
enum PartitionCommitter {
  /// The new manifest's name until the commit point.
  static let manifestTemporaryName = ".\(Manifest.fileName).tmp"

  /// Steps 1–3: on return `_manifest.json` is the new one and the new part files are visible
  /// (the partition is committed); when it throws, the folder shows what it showed before.
  static func switchOver(
    _ manifest: Manifest, directory: String, failureInjector: FailureInjector?
  ) throws(LakeError) {
    try FileSystem.makeDirectories(directory)
    let bytes = JSONText.encode(manifest)
    let temporary = "\(directory)/\(manifestTemporaryName)"
    do {
      try FileSystem.writeDurably(bytes, to: temporary, failureInjector: failureInjector)
    } catch {
      try? FileSystem.remove(temporary)
      throw error.noting("\(directory) is unchanged")
    }
    var renamed: [String] = []
    do {
      for file in manifest.files {
        try FileSystem.rename(
          "\(directory)/\(CommitMode.stagingName(for: file.path))", to: "\(directory)/\(file.path)",
          failureInjector: failureInjector)
        renamed.append(file.path)
      }
      try FileSystem.rename(
        temporary, to: "\(directory)/\(Manifest.fileName)", failureInjector: failureInjector)
    } catch {
      try? FileSystem.remove(temporary)
      let left = undo(renamed, directory: directory)
      throw error.noting(unchanged(directory, left: left))
    }
  }

  /// Steps 4–5, on a committed partition: deletes (or hides) the files `manifest` does not list
  /// and makes the folder durable. When it throws, the partition is still the new one.
  static func cleanUp(
    _ manifest: Manifest, directory: String, failureInjector: FailureInjector?
  ) throws(LakeError) {
    let keep = Set(manifest.files.map(\.path) + [Manifest.fileName])
    let names: [String]
    do {
      names = try FileSystem.list(directory)
    } catch {
      throw error.noting("\(directory) was committed, but its old files may still be visible: run again")
    }
    var firstError: LakeError?
    // An old file that stays visible beside the new ones: the error to report above all.
    var visibleError: LakeError?
    for name in names where !keep.contains(name) && isOurs(name) {
      let path = "\(directory)/\(name)"
      do {
        try FileSystem.remove(path, failureInjector: failureInjector)
      } catch {
        if name.hasPrefix(".") {
          firstError =
            firstError
            ?? error.noting(
              "\(directory) was committed; the hidden file stays until the next commit deletes it")
        } else if hide(name, in: directory, failureInjector: failureInjector) {
          firstError =
            firstError
            ?? error.noting(
              "\(directory) was committed; the file was hidden as .\(name).stale until the next commit deletes it"
            )
        } else {
          visibleError =
            visibleError
            ?? LakeError.io("remove", path: path, errno: error.errorNumber ?? EIO, hint: false).noting(
              "\(directory) was committed, but this old file is still visible beside the new ones "
                + "(it could not be hidden either): delete it, then run again")
        }
      }
    }
    do {
      try FileSystem.syncDirectory(directory, failureInjector: failureInjector)
      // A new partition folder is itself an entry of its parent: make it durable too.
      try FileSystem.syncDirectory(FileSystem.split(directory).directory, failureInjector: failureInjector)
    } catch {
      firstError =
        firstError ?? error.noting("\(directory) was committed but may not survive a power loss; run again")
    }
    if let error = visibleError ?? firstError { throw error }
  }

  /// Renames the old part file `name` to a hidden name, which readers do not glob and the next
  /// commit deletes; false when that fails too.
  private static func hide(_ name: String, in directory: String, failureInjector: FailureInjector?) -> Bool {
    do {
      try FileSystem.rename(
        "\(directory)/\(name)", to: "\(directory)/.\(name).stale", failureInjector: failureInjector)
      return true
    } catch {
      return false
    }
  }

  /// Files the lake writer owns in a partition folder: part files, their temporaries and hidden
  /// stale copies, and temporary manifests a crashed run left.
  static func isOurs(_ name: String) -> Bool {
    name.hasPrefix("part-") || name.hasPrefix(".part-") || name.hasPrefix(manifestTemporaryName)
  }

  /// Renames part files back to their hidden names, deleting any that will not go back; returns
  /// the paths of those still visible.
  private static func undo(_ names: [String], directory: String) -> [String] {
    var left: [String] = []
    for name in names.reversed() {
      let path = "\(directory)/\(name)"
      if (try? FileSystem.rename(path, to: "\(directory)/\(CommitMode.stagingName(for: name))")) == nil,
        (try? FileSystem.remove(path)) == nil
      {
        left.append(path)
      }
    }
    return left
  }

  private static func unchanged(_ directory: String, left: [String]) -> String {
    guard !left.isEmpty else { return "\(directory) is unchanged" }
    return "\(directory) keeps its old manifest, but new files could not be removed: delete "
      + left.joined(separator: ", ")
  }
}
