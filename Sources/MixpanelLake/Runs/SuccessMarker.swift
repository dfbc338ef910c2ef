public import Lake

/// `_SUCCESS` at the lake's root (design.md §3): removed when a run starts, written last by a run
/// that completed every window of every stream it ran. An orchestrator that waits for it never
/// reads a lake that a failed or running invocation left half-updated.
public enum SuccessMarker {
  public static func path(lake: String) -> String { LakeLayout(root: lake).success }

  /// Removes the marker (there is none yet in a new lake), durably: a crash later in the run
  /// must not bring it back beside partitions the run already replaced.
  public static func clear(lake: String) throws(LakeError) {
    guard FileSystem.exists(path(lake: lake)) else { return }
    try FileSystem.remove(path(lake: lake))
    try FileSystem.syncDirectory(lake)
  }

  /// Writes the marker, holding the run's id.
  public static func write(lake: String, runID: String) throws(LakeError) {
    try FileSystem.writeAtomically(Array("\(runID)\n".utf8), to: path(lake: lake))
  }
}
