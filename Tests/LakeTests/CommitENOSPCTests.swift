import CalendarDay
import Foundation
import Glibc
import Synchronization
import Testing

@testable import Lake

/// A full disk (ENOSPC) at each step of a partition's commit: the folder then shows the old
/// partition or, only after the manifest's rename, the new one, never both, and the error names
/// the file that failed.
@Suite struct CommitENOSPCTests {
  /// Where the injected ENOSPC strikes, as an operation and the name of its path.
  enum Step: String, CaseIterable, CustomTestStringConvertible {
    case manifestCreate, manifestWrite, manifestFsync, manifestClose
    case firstPartRename, middlePartRename, lastPartRename, manifestRename
    case staleRemove, directoryFsync, parentFsync

    var testDescription: String { rawValue }

    /// After `_manifest.json` is replaced: the new partition stays.
    var isAfterCommitPoint: Bool { [.staleRemove, .directoryFsync, .parentFsync].contains(self) }

    /// The steps there are in `mode`.
    static func all(in mode: CommitMode) -> [Step] {
      switch mode {
      case .rename: allCases
      case .direct: [.manifestCreate, .manifestWrite, .manifestFsync, .manifestClose] + after
      }
    }

    static let after: [Step] = [.staleRemove, .directoryFsync, .parentFsync]
  }

  /// A one-day lake `export/day=2024-06-01`, written by `WindowWriter` as a run does.
  struct TestLake {
    static let day = Day("2024-06-01")!
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "lake-enospc-\(UUID().uuidString)"
    ).path
    var directory: String { "\(root)/export/day=\(Self.day)" }

    /// A writer of `rows` lines of the run `run`. gzip with 1-byte parts rolls a part at each
    /// 64 KiB of lines, so 1,000 lines of ~200 bytes make 4 parts.
    func writer(
      _ run: String, rows: Int, mode: CommitMode, injector: FailureInjector?
    ) throws -> WindowWriter {
      let writer = WindowWriter(
        lakeRoot: root, stream: "export",
        window: ManifestWindow(id: run, fromDate: "\(Self.day)", toDate: "\(Self.day)"),
        days: Self.day...Self.day, runID: run,
        settings: WriterSettings(
          compression: .gzip, maxPartBytes: 1, failureInjector: injector))
      var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(run.utf8.count + rows)
      for index in 0..<rows {
        var pad = ""
        for _ in 0..<12 {
          state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          pad += String(state >> 1, radix: 16)
        }
        let line = Array("{\"run\":\"\(run)\",\"i\":\(index),\"pad\":\"\(pad)\"}".utf8)
        try line.withUnsafeBytes { try writer.append($0, day: Self.day, time: Self.day.startEpochSeconds) }
      }
      return writer
    }

    func visibleParts() throws -> [String] { try FileSystem.list(directory).filter { $0.hasPrefix("part-") } }
    func hidden() throws -> [String] { try FileSystem.list(directory).filter { $0.hasPrefix(".") } }
    func manifest() throws -> Manifest? { try ManifestStore.read(directory: directory) }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
  }

  /// Fails with ENOSPC every call its matcher accepts, once armed; records the first path it failed.
  final class Trigger: Sendable {
    typealias Matcher = @Sendable (FailureInjector.Operation, String) -> Bool
    private let state = Mutex<(matches: Matcher?, failed: String?)>((nil, nil))

    var injector: FailureInjector {
      FailureInjector(operations: { operation, path in
        self.state.withLock { state in
          guard let matches = state.matches, matches(operation, path) else { return nil }
          if state.failed == nil { state.failed = path }
          return ENOSPC
        }
      })
    }

    func arm(_ matches: @escaping Matcher) { state.withLock { $0.matches = matches } }
    var failedPath: String? { state.withLock { $0.failed } }
  }

  /// The operation and path of `step` in `lake`, given the new run's staged parts (sorted).
  static func matcher(
    _ step: Step, lake: TestLake, newParts: [String], oldParts: [String]
  ) -> Trigger.Matcher {
    let directory = lake.directory
    let parent = FileSystem.split(directory).directory
    func file(_ name: String) -> String { "\(directory)/\(name)" }
    func renameOfPart(_ name: String) -> Trigger.Matcher {
      let staged = file(name)
      return { $0 == .rename && $1 == staged }
    }
    switch step {
    case .manifestCreate, .manifestWrite, .manifestFsync, .manifestClose:
      let operation: FailureInjector.Operation =
        switch step {
        case .manifestCreate: .create
        case .manifestWrite: .write
        case .manifestFsync: .fsync
        default: .close
        }
      return { $0 == operation && FileSystem.split($1).name.contains(Manifest.fileName) }
    case .firstPartRename: return renameOfPart(newParts[0])
    case .middlePartRename: return renameOfPart(newParts[newParts.count / 2])
    case .lastPartRename: return renameOfPart(newParts[newParts.count - 1])
    case .manifestRename:
      return { $0 == .rename && FileSystem.split($1).name.contains(Manifest.fileName) }
    case .staleRemove:
      let stale = file(oldParts[0])
      return { $0 == .remove && $1 == stale }
    case .directoryFsync: return { $0 == .fsyncDirectory && $1 == directory }
    case .parentFsync: return { $0 == .fsyncDirectory && $1 == parent }
    }
  }

  /// Commits a first run, then a second one that meets ENOSPC at `step`; checks the folder right
  /// after the failure and again after the writer's `discard()` (what a run does next).
  func run(_ step: Step, mode: CommitMode) throws {
    let lake = TestLake()
    defer { lake.remove() }
    _ = try lake.writer("old", rows: 1000, mode: mode, injector: nil).commit(committedAt: 1)
    let old = try #require(try lake.manifest())
    #expect(old.rows == 1000 && old.files.count > 1)
    #expect(try lake.visibleParts() == old.files.map(\.path))

    let trigger = Trigger()
    let second = try lake.writer("new", rows: 1000, mode: mode, injector: trigger.injector)
    // The new run's part files, finished but not committed (hidden in rename mode).
    let staged: [String]
    switch mode {
    case .rename:
      staged = try FileSystem.list(lake.directory).filter { $0.hasPrefix(".part-new-") }
    case .direct:
      staged = try FileSystem.list(lake.directory).filter { $0.hasPrefix("part-new-") }
    }
    trigger.arm(Self.matcher(step, lake: lake, newParts: staged, oldParts: old.files.map(\.path)))

    let error = #expect(throws: LakeError.self) { _ = try second.commit(committedAt: 2) }
    let failed = try #require(trigger.failedPath, "the step \(step) was reached")
    let message = error?.description ?? ""
    #expect(message.contains(failed), "the error names the file that failed: \(message)")
    #expect(message.contains("No space left on device"), "\(message)")

    func check(_ moment: String) throws {
      let visible = try lake.visibleParts()
      let manifest = try #require(try lake.manifest(), "\(moment): _manifest.json exists")
      #expect(
        manifest.files.map(\.path) == visible, "\(moment): the manifest lists exactly the visible parts")
      if step.isAfterCommitPoint {
        #expect(manifest.runID == "new" && manifest.rows == 1000, "\(moment): the new partition")
        #expect(visible.allSatisfy { $0.hasPrefix("part-new-") }, "\(moment): \(visible)")
      } else {
        #expect(manifest == old, "\(moment): the old manifest")
        #expect(visible == old.files.map(\.path), "\(moment): only the old parts are visible: \(visible)")
      }
    }
    try check("right after the failure")
    second.discard()
    try check("after discard()")
    if !step.isAfterCommitPoint {
      let hidden = try lake.hidden()
      #expect(hidden.isEmpty, "no temporary file is left: \(hidden)")
    }

    // The next run commits over whatever the failure left, and leaves nothing else.
    _ = try lake.writer("next", rows: 10, mode: mode, injector: nil).commit(committedAt: 3)
    let next = try #require(try lake.manifest())
    #expect(next.runID == "next")
    #expect(try lake.visibleParts() == next.files.map(\.path))
    #expect(try lake.hidden().isEmpty)
  }

  @Test("rename mode: ENOSPC at each step of the commit", arguments: Step.all(in: .rename))
  func renameMode(_ step: Step) throws {
    try run(step, mode: .rename)
  }

  @Test("direct mode: ENOSPC at each step of the commit", arguments: Step.all(in: .direct))
  func directMode(_ step: Step) throws {
    try run(step, mode: .direct)
  }

  @Test("a part file that cannot be renamed back is deleted, so only the old parts stay visible")
  func undoFallsBackToDelete() throws {
    let lake = TestLake()
    defer { lake.remove() }
    _ = try lake.writer("old", rows: 1000, mode: .rename, injector: nil).commit(committedAt: 1)
    let old = try #require(try lake.manifest())
    let trigger = Trigger()
    let second = try lake.writer("new", rows: 1000, mode: .rename, injector: trigger.injector)
    let staged = try FileSystem.list(lake.directory).filter { $0.hasPrefix(".part-new-") }
    #expect(staged.count > 2)
    // The third rename fails, and so does renaming the first part back.
    let failing = "\(lake.directory)/\(staged[2])"
    let firstFinal = "\(lake.directory)/\(String(staged[0].dropFirst().dropLast(".tmp".count)))"
    trigger.arm { $0 == .rename && ($1 == failing || $1 == firstFinal) }
    let error = #expect(throws: LakeError.self) { _ = try second.commit(committedAt: 2) }
    #expect(error?.description.contains(failing) == true, "\(error?.description ?? "")")
    #expect(try lake.visibleParts() == old.files.map(\.path))
    #expect(try lake.manifest() == old)
    second.discard()
    #expect(try lake.hidden().isEmpty)
  }

  @Test("an old part that can be neither removed nor hidden: the error says it is still visible")
  func staleFileStuck() throws {
    let lake = TestLake()
    defer { lake.remove() }
    _ = try lake.writer("old", rows: 1000, mode: .rename, injector: nil).commit(committedAt: 1)
    let old = try #require(try lake.manifest())
    let trigger = Trigger()
    let second = try lake.writer("new", rows: 1000, mode: .rename, injector: trigger.injector)
    let stuck = "\(lake.directory)/\(old.files[0].path)"
    trigger.arm { ($0 == .remove || $0 == .rename) && $1 == stuck }
    let error = #expect(throws: LakeError.self) { _ = try second.commit(committedAt: 2) }
    let message = error?.description ?? ""
    #expect(message.contains("cannot remove \(stuck)") && message.contains("still visible"), "\(message)")
    second.discard()
    let manifest = try #require(try lake.manifest())
    #expect(manifest.runID == "new")
    // The one case where both are visible, and the error line says which file to delete.
    #expect(try lake.visibleParts() == (manifest.files.map(\.path) + [old.files[0].path]).sorted())
  }

  /// A table snapshot (`SnapshotWriter`) over an old one of 1,000 rows.
  func snapshot(_ run: String, lake: TestLake, mode: CommitMode, injector: FailureInjector?) throws
    -> SnapshotWriter
  {
    let writer = SnapshotWriter(
      lakeRoot: lake.root, stream: "engage", runID: run, snapshotDate: TestLake.day, dated: false,
      settings: WriterSettings(compression: .gzip, failureInjector: injector))
    for index in 0..<1000 { try writer.append(Array("{\"run\":\"\(run)\",\"i\":\(index)}".utf8)) }
    return writer
  }

  @Test("a snapshot whose manifest cannot be written keeps its parts hidden, ready for a resume")
  func snapshotManifestENOSPC() throws {
    let lake = TestLake()
    defer { lake.remove() }
    let directory = "\(lake.root)/engage"
    let old = try snapshot("old", lake: lake, mode: .rename, injector: nil).commit(committedAt: 1)
    let trigger = Trigger()
    let second = try snapshot("new", lake: lake, mode: .rename, injector: trigger.injector)
    trigger.arm { $0 == .write && $1 == "\(directory)/._manifest.json.tmp" }
    let error = #expect(throws: LakeError.self) { _ = try second.commit(committedAt: 2) }
    #expect(error?.description.contains("cannot write \(directory)/._manifest.json.tmp") == true)
    #expect(try ManifestStore.read(directory: directory) == old)
    #expect(try FileSystem.list(directory).filter { $0.hasPrefix("part-") } == old.files.map(\.path))
    let kept = try second.keepForResume()
    #expect(!kept.isEmpty && kept.allSatisfy { FileSystem.exists(second.temporaryPath(of: $0)) })
  }

  @Test("a snapshot committed before its clean-up failed is neither kept for a resume nor discarded")
  func snapshotCommittedThenENOSPC() throws {
    let lake = TestLake()
    defer { lake.remove() }
    let directory = "\(lake.root)/engage"
    _ = try snapshot("old", lake: lake, mode: .direct, injector: nil).commit(committedAt: 1)
    let trigger = Trigger()
    let second = try snapshot("new", lake: lake, mode: .direct, injector: trigger.injector)
    trigger.arm { $0 == .fsyncDirectory && $1 == directory }
    let error = #expect(throws: LakeError.self) { _ = try second.commit(committedAt: 2) }
    #expect(error?.description.contains("cannot fsync directory \(directory)") == true)
    #expect(throws: LakeError.self) { _ = try second.keepForResume() }
    second.discard()
    let manifest = try #require(try ManifestStore.read(directory: directory))
    #expect(manifest.runID == "new" && manifest.rows == 1000)
    #expect(try FileSystem.list(directory).filter { $0.hasPrefix("part-") } == manifest.files.map(\.path))
  }
}
