/// Removes what killed runs left in a lake's partition folders, before a run writes anything
/// (design.md §3.4): part files no manifest lists (a crash between a commit's renames and its
/// manifest, or a `direct`-mode write under a final name), and hidden temporaries (`.part-…`
/// files, `._manifest.json.tmp`, `.….stale`), which on an object-storage mount are objects that
/// cost storage until someone deletes them.
///
/// Only a run that holds the lake's lock and lease sweeps, so no other run's temporaries are in
/// flight. A folder whose manifest cannot be read is left alone (`verify` reports it), and
/// files in `keep` (an interrupted engage pass's pages, relative to the lake) stay.
public enum LakeSweep {
  /// What a sweep removed and what it could not.
  public struct Result: Sendable, Equatable {
    /// Paths relative to the lake.
    public var removed: [String] = []
    /// Paths relative to the lake that could not be removed, with the error.
    public var failed: [String] = []
  }

  /// Sweeps every partition folder under the lake's stream folders (names not starting with
  /// `_` or `.`), to `depth` folders below them.
  public static func sweep(lake: String, keep: Set<String> = [], depth: Int = 3) -> Result {
    var result = Result()
    // Temporaries of atomic writes (`._state.json.tmp-<pid>`, run records, schemas) a killed run left.
    let top = (try? FileSystem.list(lake)) ?? []
    let runs = FileSystem.split(LakeLayout(root: lake).runs).name
    for name in top where isAtomicTemporary(name) {
      remove(name, lake: lake, into: &result)
    }
    for name in (try? FileSystem.list("\(lake)/\(runs)")) ?? [] where isAtomicTemporary(name) {
      remove("\(runs)/\(name)", lake: lake, into: &result)
    }
    for stream in top
    where !stream.hasPrefix("_") && !stream.hasPrefix(".") && FileSystem.isDirectory("\(lake)/\(stream)") {
      // A stream's `._schema.json.tmp-<pid>`.
      for name in (try? FileSystem.list("\(lake)/\(stream)")) ?? [] where isAtomicTemporary(name) {
        remove("\(stream)/\(name)", lake: lake, into: &result)
      }
      sweepFolder(lake: lake, relative: stream, keep: keep, depth: depth, into: &result)
    }
    return result
  }

  /// Removes `path` (relative to the lake), noting it as removed or failed.
  private static func remove(_ path: String, lake: String, into result: inout Result) {
    if (try? FileSystem.remove("\(lake)/\(path)")) != nil {
      result.removed.append(path)
    } else {
      result.failed.append(path)
    }
  }

  /// `FileSystem.writeAtomically`'s temporary names, `.<name>.tmp-<pid>`, of a process that is
  /// not running on this host (a `report` writing `_report.html` meanwhile keeps its own).
  static func isAtomicTemporary(_ name: String) -> Bool {
    guard name.hasPrefix("."), let dash = name.lastIndex(of: "-") else { return false }
    let pid = name[name.index(after: dash)...]
    guard name[..<dash].hasSuffix(".tmp"), let number = Int32(pid) else { return false }
    return !LakeLease.isAlive(number)
  }

  private static func sweepFolder(
    lake: String, relative: String, keep: Set<String>, depth: Int, into result: inout Result
  ) {
    let directory = "\(lake)/\(relative)"
    guard let names = try? FileSystem.list(directory) else { return }
    if names.contains(where: PartitionCommitter.isOurs) {
      // A folder with our files: everything of ours its manifest does not list goes.
      if let listed = try? ManifestStore.read(directory: directory).map({ Set($0.files.map(\.path)) }) ?? [] {
        for name in names where PartitionCommitter.isOurs(name) && !listed.contains(name) {
          let path = "\(relative)/\(name)"
          if !keep.contains(path) { remove(path, lake: lake, into: &result) }
        }
      }
    }
    guard depth > 0 else { return }
    for name in names where !name.hasPrefix(".") && FileSystem.isDirectory("\(directory)/\(name)") {
      sweepFolder(lake: lake, relative: "\(relative)/\(name)", keep: keep, depth: depth - 1, into: &result)
    }
  }
}
