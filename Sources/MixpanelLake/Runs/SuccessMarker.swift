public import Lake

/// `_SUCCESS` at the lake's root (design.md §3): removed when a run starts, written last by a run
/// that completed every window of every stream it ran. An orchestrator that waits for it never
/// reads a lake that a failed or running invocation left half-updated.
public enum SuccessMarker {
  public static func path(lake: String) -> String { "\(lake)/_SUCCESS" }

  /// Removes the marker (there is none yet in a new lake).
  public static func clear(lake: String) throws(LakeError) {
    try FileSystem.remove(path(lake: lake))
  }

  /// Writes the marker, holding the run's id.
  public static func write(lake: String, runID: String) throws(LakeError) {
    try FileSystem.writeAtomically(Array("\(runID)\n".utf8), to: path(lake: lake))
  }
}
