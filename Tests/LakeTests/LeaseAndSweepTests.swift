import Foundation
import Glibc
import Testing

@testable import Lake

/// The lease every host sees (`_lease.json`) and the sweep of what killed runs left.
@Suite struct LeaseAndSweepTests {
  /// A fresh folder under the temporary directory, removed by the caller.
  static func folder() -> String {
    let path = NSTemporaryDirectory() + "lease-sweep-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func touch(_ path: String, _ text: String = "x") throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: false, encoding: .utf8)
  }

  static func manifest(_ partition: String, files: [String]) -> Manifest {
    Manifest(
      formatVersion: 1, stream: "export", partition: partition,
      window: ManifestWindow(id: "w", fromDate: "2024-06-01", toDate: "2024-06-01"), runID: "r",
      committedAt: "2024-06-02T00:00:00Z", compression: "zstd", rows: 1, bytes: 1, uncompressedBytes: 1,
      minTime: nil, maxTime: nil,
      files: files.map {
        ManifestFile(
          path: $0, rows: 1, bytes: 1, uncompressedBytes: 1, sha256: "", minTime: nil, maxTime: nil)
      })
  }

  @Test(
    "the sweep removes unlisted part files and hidden temporaries, keeps listed files, kept files and unreadable folders"
  )
  func sweep() throws {
    let lake = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: lake) }
    let day = "\(lake)/export/day=2024-06-01"
    try FileSystem.makeDirectories(day)
    try ManifestStore.write(
      Self.manifest("export/day=2024-06-01", files: ["part-a.jsonl.zst"]), directory: day)
    for name in [
      "part-a.jsonl.zst", "part-b.jsonl.zst", ".part-c.jsonl.zst.tmp", "._manifest.json.tmp", "notes.txt",
    ] {
      try Self.touch("\(day)/\(name)")
    }
    try Self.touch("\(lake)/export/_out_of_window/requested_day=2024-06-01/part-z.jsonl.zst")
    try Self.touch("\(lake)/engage/.part-k.jsonl.zst.tmp")
    try Self.touch("\(lake)/engage/.part-gone.jsonl.zst.tmp")
    try Self.touch("\(lake)/engage/.resume.json")
    let corrupt = "\(lake)/export/day=2024-06-02"
    try Self.touch("\(corrupt)/_manifest.json", "{not a manifest")
    try Self.touch("\(corrupt)/part-q.jsonl.zst")
    try Self.touch("\(lake)/._state.json.tmp-9999999")
    try Self.touch("\(lake)/_runs/.20240601T000000Z-abc.json.tmp-9999999")
    try Self.touch("\(lake)/_runs/20240601T000000Z-abc.json")
    try Self.touch("\(lake)/export/._schema.json.tmp-9999999")
    try Self.touch("\(lake)/export/_schema.json", "{}")
    let result = LakeSweep.sweep(lake: lake, keep: ["engage/.part-k.jsonl.zst.tmp"])
    #expect(
      Set(result.removed) == [
        "export/day=2024-06-01/part-b.jsonl.zst", "export/day=2024-06-01/.part-c.jsonl.zst.tmp",
        "export/day=2024-06-01/._manifest.json.tmp",
        "export/_out_of_window/requested_day=2024-06-01/part-z.jsonl.zst", "engage/.part-gone.jsonl.zst.tmp",
        "._state.json.tmp-9999999", "_runs/.20240601T000000Z-abc.json.tmp-9999999",
        "export/._schema.json.tmp-9999999",
      ])
    #expect(FileSystem.exists("\(lake)/export/_schema.json"))
    #expect(FileSystem.exists("\(lake)/_runs/20240601T000000Z-abc.json"))
    #expect(result.failed.isEmpty)
    #expect(Set(try FileSystem.list(day)) == ["_manifest.json", "part-a.jsonl.zst", "notes.txt"])
    #expect(Set(try FileSystem.list("\(lake)/engage")) == [".part-k.jsonl.zst.tmp", ".resume.json"])
    #expect(
      FileSystem.exists("\(corrupt)/part-q.jsonl.zst"),
      "a folder whose manifest cannot be read is left to verify")
    #expect(LakeSweep.sweep(lake: lake, keep: ["engage/.part-k.jsonl.zst.tmp"]).removed.isEmpty, "idempotent")
  }

  /// A clock the test moves.
  final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64 = 1_000_000
    var now: Int64 { lock.withLock { value } }
    func advance(_ seconds: Int64) { lock.withLock { value += seconds } }
  }

  @Test(
    "a live lease of another run stops a run (exit 4, nothing written); an expired one, or one of a dead process of this host, is taken over"
  )
  func acquire() throws {
    let lake = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: lake) }
    let clock = Clock()
    let first = try LakeLease.acquire(
      lake: lake, runID: "run-1", seconds: 600, host: "host-a", now: { clock.now })
    #expect(first.holder.runID == "run-1" && first.holder.expires == clock.now + 600)
    let before = try FileSystem.read(first.path)
    let refused = #expect(throws: LakeError.self) {
      _ = try LakeLease.acquire(lake: lake, runID: "run-2", seconds: 600, host: "host-b", now: { clock.now })
    }
    #expect("\(refused.map { "\($0)" } ?? "")".contains("run run-1 on host host-a"))
    #expect(try FileSystem.read(first.path) == before, "the holder's lease is untouched")
    // The same host, a live process (this one): still refused.
    #expect(throws: LakeError.self) {
      _ = try LakeLease.acquire(lake: lake, runID: "run-3", seconds: 600, host: "host-a", now: { clock.now })
    }
    // Expired: taken over.
    clock.advance(601)
    let second = try LakeLease.acquire(
      lake: lake, runID: "run-2", seconds: 600, host: "host-b", now: { clock.now })
    #expect(second.holder.runID == "run-2")
    #expect(throws: LakeError.self) { try first.check() }
    // A process of this host that is gone: taken over at once.
    var dead = second.holder
    dead.host = "host-c"
    dead.pid = Int32.max - 1
    try FileSystem.writeAtomically(JSONText.encode(dead), to: second.path)
    let third = try LakeLease.acquire(
      lake: lake, runID: "run-4", seconds: 600, host: "host-c", now: { clock.now })
    #expect(third.holder.runID == "run-4")
  }

  @Test(
    "check renews the lease after a third of its time and stops a run whose lease another run took; release removes only its own"
  )
  func fence() throws {
    let lake = Self.folder()
    defer { try? FileManager.default.removeItem(atPath: lake) }
    let clock = Clock()
    let lease = try LakeLease.acquire(lake: lake, runID: "mine", seconds: 300, host: "h", now: { clock.now })
    clock.advance(50)
    try lease.check()
    #expect(try LakeLease.read(lease.path)?.heartbeat == clock.now - 50, "not yet due")
    clock.advance(60)
    try lease.check()
    #expect(try LakeLease.read(lease.path)?.heartbeat == clock.now, "renewed")
    #expect(try LakeLease.read(lease.path)?.expires == clock.now + 300)
    var thief = lease.holder
    thief.runID = "thief"
    try FileSystem.writeAtomically(JSONText.encode(thief), to: lease.path)
    let error = #expect(throws: LakeError.self) { try lease.check() }
    #expect("\(error.map { "\($0)" } ?? "")".contains("lost the lake's lease"))
    lease.release()
    #expect(try LakeLease.read(lease.path)?.runID == "thief", "another run's lease is never released")
    try FileSystem.remove(lease.path)
    #expect(throws: LakeError.self) { try lease.check() }
  }

  @Test("mountinfo: the deepest mount point above a path names its file system")
  func mountType() {
    #expect(ObjectStorageMount.mountType(of: "/proc/self") == "proc")
    #expect(ObjectStorageMount.detect(NSTemporaryDirectory()) == nil, "the temporary folder is not FUSE")
  }
}
