public import CalendarDay
public import Lake

/// A partition folder of the lake: `export/day=2024-06-01`, `engage/snapshot_date=…`, or a
/// full-table stream's own folder (`engage`).
public struct LakePartition: Sendable, Equatable {
  /// The stream folder's name, e.g. `export`.
  public var stream: String
  /// The folder relative to the lake root.
  public var relativePath: String
  /// The date of a `day=` or `snapshot_date=` folder.
  public var day: Day?
  /// True for a `day=` folder (incremental by day).
  public var isDayPartition: Bool
}

/// Finds the partition folders of a lake (design.md §3). Names starting with `_` or `.` are
/// the lake's own files or temporaries, never streams or partitions.
public enum LakePartitions {
  /// Every partition folder under `lake`, sorted by stream then path.
  public static func list(lake: String) throws(LakeError) -> [LakePartition] {
    var partitions: [LakePartition] = []
    for stream in try FileSystem.list(lake) where !isHidden(stream) {
      let streamPath = "\(lake)/\(stream)"
      guard FileSystem.isDirectory(streamPath) else { continue }
      let children = try FileSystem.list(streamPath).filter { !isHidden($0) || $0 == Manifest.fileName }
      let hasOwnFiles = children.contains { !FileSystem.isDirectory("\(streamPath)/\($0)") }
      if hasOwnFiles {
        partitions.append(
          LakePartition(stream: stream, relativePath: stream, day: nil, isDayPartition: false))
      }
      for child in children where FileSystem.isDirectory("\(streamPath)/\(child)") {
        let (key, day) = parseFolder(child)
        partitions.append(
          LakePartition(
            stream: stream, relativePath: "\(stream)/\(child)", day: day, isDayPartition: key == "day"))
      }
    }
    return partitions
  }

  /// `day=2024-06-01` → ("day", 2024-06-01); other names → (nil, nil).
  static func parseFolder(_ name: String) -> (key: String?, day: Day?) { LakeLayout.parseFolder(name) }

  /// Names Spark and Hive skip: the lake's own files (`_manifest.json`) and temporaries.
  public static func isHidden(_ name: String) -> Bool { LakeLayout.isHidden(name) }
}
