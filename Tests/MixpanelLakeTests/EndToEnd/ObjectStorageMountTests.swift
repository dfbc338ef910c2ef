import Foundation
import Glibc
import Lake
import MixpanelFake
import Testing

/// A bucket of a local S3 server (moto, on 127.0.0.1) mounted twice with s3fs, as two hosts
/// would mount it, and the release path of the binary writing into it (`.ci/s3mount` starts
/// and stops both; `.ci/setup` installs them). Skipped with one line where `/dev/fuse`, s3fs or
/// moto are missing.
@Suite("Object storage: s3fs mounts of one bucket", .serialized)
struct ObjectStorageMountTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  static let script = "\(repository)/.ci/s3mount"
  static let motoPython = NSHomeDirectory() + "/.local/share/mixpanel-lake/moto-venv/bin/python"
  static let today = FakeDay.todayUTC()

  static var available: Bool {
    FileManager.default.fileExists(atPath: "/dev/fuse") && getuid() == 0
      && FileManager.default.isExecutableFile(atPath: motoPython)
      && ((try? shell("command -v s3fs").status) == 0)
  }

  /// Runs `command` with bash and waits for it with `waitpid`: Foundation's `Process` never
  /// notices the exit of a script that leaves daemons behind (moto, s3fs) in this process.
  static func shell(_ command: String, environment: [String: String] = [:]) throws -> CLIProcess.Result {
    let out = NSTemporaryDirectory() + "s3-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: out) }
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    // The daemons it starts must not inherit this process's descriptors (a test's flock).
    let closeInherited =
      "for f in /proc/$$/fd/*; do n=${f##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done 2>/dev/null; "
    let arguments = ["/bin/bash", "-c", "\(closeInherited){ \(command); } > '\(out)' 2>&1 < /dev/null"]
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, "/bin/bash", nil, nil, argv, envp) == 0 else {
      throw CocoaError(.executableLoad)
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return CLIProcess.Result(status: code, stdout: text, stderr: text)
  }

  /// moto and two s3fs mounts of its bucket, for the body's length.
  static func withMounts<T>(_ body: (_ a: String, _ b: String, _ env: [String: String]) async throws -> T)
    async throws -> T
  {
    let dir = NSTemporaryDirectory() + "s3mount-" + UUID().uuidString
    let environment = ["S3MOUNT_STATE": "\(dir)/state"]
    let (a, b) = ("\(dir)/host-a", "\(dir)/host-b")
    let started = try shell("\(script) start \(a) \(b)", environment: environment)
    try #require(started.status == 0, "\(started.stdout)")
    var values = environment
    for line in started.stdout.split(separator: "\n") where line.contains("=") && !line.contains(" ") {
      let parts = line.split(separator: "=", maxSplits: 1)
      values[String(parts[0])] = String(parts[1])
    }
    do {
      let result = try await body(a, b, values)
      _ = try? shell("\(script) stop", environment: environment)
      try? FileManager.default.removeItem(atPath: dir)
      return result
    } catch {
      _ = try? shell("\(script) stop", environment: environment)
      throw error
    }
  }

  static func config(_ server: FakeServerHandle, lake: String, first: FakeDay, mode: String) -> String {
    #"{"api_secret": "\#(server.project.apiSecret)", "start_date": "\#(first)", "export_api_url": "\#(server.baseURL)", "lake": "\#(lake)", "date_window_size": 1, "max_concurrent_windows": 2, "commit_mode": "\#(mode)"}"#
  }

  static func write(_ text: String, _ path: String) throws -> String {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Rows and distinct `$insert_id`s the README's DuckDB glob reads over the lake's export.
  static func duckDB(_ lake: String) throws -> (rows: Int, distinct: Int) {
    let row =
      try DuckDB.query(
        """
        SELECT count(*), count(DISTINCT json ->> '$.properties."$insert_id"')
        FROM read_ndjson_objects('\(lake)/export/*/*.jsonl.zst')
        """
      ).first ?? []
    return (Int(row.first as? String ?? "") ?? -1, Int(row.last as? String ?? "") ?? -1)
  }

  @Test(
    "export and rerun into an s3fs mount, both commit modes: the lake equals the truth; a reader polling the manifests over S3 never reads an empty or partial one",
    .enabled(if: available, "needs root, /dev/fuse, s3fs and the moto venv (.ci/setup)"))
  func exportAndRerun() async throws {
    let project = FakeProject(seed: 95, eventsPerDay: 600, today: Self.today)
    let first = Self.today.advanced(by: -7)
    let truth = project.truth(from: first, to: Self.today)
    try await Self.withMounts { a, _, env in
      try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
        for mode in ["direct", "rename"] {
          let lake = "\(a)/lake-\(mode)"
          let config = try Self.write(
            Self.config(server, lake: lake, first: first, mode: mode),
            NSTemporaryDirectory() + "s3-\(mode)-\(UUID().uuidString).json")
          let run = try await CLIProcess.run(["export", "--config", config, "--quiet"])
          #expect(run.status == 0, "\(mode): \(run.stderr)")
          // The rerun refetches the attribution window while a reader polls every manifest.
          let stop = NSTemporaryDirectory() + "s3-stop-" + UUID().uuidString
          let poller = try Self.startPoller(prefix: "lake-\(mode)/", stop: stop, env: env)
          let rerun = try await CLIProcess.run(["export", "--config", config, "--quiet"])
          #expect(rerun.status == 0, "\(mode): \(rerun.stderr)")
          _ = FileManager.default.createFile(atPath: stop, contents: nil)
          let polled = try Self.finish(poller)
          #expect(polled.reads > 0 && polled.bad.isEmpty, "\(mode): \(polled)")
          let census = try LakeReader(root: lake).census()
          #expect(census.rows == truth.byDay, "\(mode)")
          #expect(try Self.duckDB(lake) == (truth.total, truth.total), "\(mode)")
          #expect(!FileManager.default.fileExists(atPath: "\(lake)/_lease.json"), "\(mode): lease released")
        }
      }
    }
  }

  @Test(
    "kill -9 while writing into the mount, twice: the DuckDB glob never fails nor doubles a row; the rerun equals the truth",
    .enabled(if: available, "needs root, /dev/fuse, s3fs and the moto venv (.ci/setup)"))
  func killNine() async throws {
    let project = FakeProject(seed: 96, eventsPerDay: 1_500, today: Self.today)
    let first = Self.today.advanced(by: -9)
    let slow = FakeServerConfiguration(bandwidthBytesPerSecondPerConnection: 500_000)
    try await Self.withMounts { a, _, _ in
      try await withFakeMixpanelServer(project, configuration: slow, logger: Fixture.logger) { server in
        let lake = "\(a)/lake"
        let config = try Self.write(
          Self.config(server, lake: lake, first: first, mode: "direct"),
          NSTemporaryDirectory() + "s3-kill-\(UUID().uuidString).json")
        for killAt in [2, 6] {
          let process = try CrashSafetyTests.start(["export", "--config", config, "--quiet"])
          let reached = try await CrashSafetyTests.wait(
            for: { server.requestLog.count >= killAt }, while: process)
          #expect(reached)
          kill(process.processIdentifier, SIGKILL)
          process.waitUntilExit()
          if FileManager.default.fileExists(atPath: "\(lake)/export") {
            #expect(try Self.brokenParts(lake).isEmpty, "after the kill at request \(killAt)")
            let reader = LakeReader(root: lake)
            if try reader.dayFolders().contains(where: { try !reader.partFiles($0).isEmpty }) {
              let seen = try Self.duckDB(lake)
              #expect(seen.rows == seen.distinct, "after the kill at request \(killAt): \(seen)")
            }
          }
        }
        let rerun = try await CLIProcess.run(["export", "--config", config, "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let truth = project.truth(from: first, to: Self.today)
        #expect(try LakeReader(root: lake).census().rows == truth.byDay)
        #expect(try Self.duckDB(lake) == (truth.total, truth.total))
        let hidden = try Self.shell("find \(lake) -name '.*' -not -name .lock | wc -l").stdout
        #expect(
          hidden.trimmingCharacters(in: .whitespacesAndNewlines) == "0",
          "the sweep removed the killed runs' temporaries")
      }
    }
  }

  @Test(
    "two hosts, one bucket: the second run stops with exit 4 while the first holds the lease; nothing is lost",
    .enabled(if: available, "needs root, /dev/fuse, s3fs and the moto venv (.ci/setup)"))
  func twoHosts() async throws {
    let project = FakeProject(seed: 97, eventsPerDay: 1_500, today: Self.today)
    let first = Self.today.advanced(by: -5)
    let slow = FakeServerConfiguration(bandwidthBytesPerSecondPerConnection: 500_000)
    try await Self.withMounts { a, b, _ in
      try await withFakeMixpanelServer(project, configuration: slow, logger: Fixture.logger) { server in
        let configA = try Self.write(
          Self.config(server, lake: "\(a)/lake", first: first, mode: "direct"),
          NSTemporaryDirectory() + "s3-a-\(UUID().uuidString).json")
        let configB = try Self.write(
          Self.config(server, lake: "\(b)/lake", first: first, mode: "direct"),
          NSTemporaryDirectory() + "s3-b-\(UUID().uuidString).json")
        let hostA = try CrashSafetyTests.start(["export", "--config", configA, "--quiet"])
        let leased = try await CrashSafetyTests.wait(
          for: { FileManager.default.fileExists(atPath: "\(b)/lake/_lease.json") }, while: hostA)
        #expect(leased, "host B sees host A's lease")
        let second = try await CLIProcess.run(["export", "--config", configB, "--quiet"])
        #expect(second.status == 4, "\(second.stderr)")
        #expect(second.stderr.contains("holds the lake's lease"), "\(second.stderr)")
        hostA.waitUntilExit()
        #expect(hostA.terminationStatus == 0)
        let truth = project.truth(from: first, to: Self.today)
        #expect(try LakeReader(root: "\(b)/lake").census().rows == truth.byDay, "read through host B")
        #expect(try Self.duckDB("\(b)/lake") == (truth.total, truth.total))
      }
    }
  }

  /// Visible part files of the export's day folders that are not whole: empty, not a complete
  /// zstd stream, or not ending with a newline (what a killed writer's upload looks like).
  static func brokenParts(_ lake: String) throws -> [String] {
    var broken: [String] = []
    let reader = LakeReader(root: lake)
    for folder in try reader.dayFolders() {
      for file in try reader.partFiles(folder) {
        let path = "\(lake)/export/\(folder)/\(file)"
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let text = try? StreamingDecompressor.decompressAll(bytes, .zstd)
        if bytes.isEmpty || text?.last != 0x0A { broken.append("\(folder)/\(file): \(bytes.count) bytes") }
      }
    }
    return broken
  }

  /// A reader polling every `_manifest.json` under `prefix` over the S3 API until `stop` exists:
  /// counts reads, and records each that is empty or not JSON.
  static func startPoller(prefix: String, stop: String, env: [String: String]) throws -> (Process, String) {
    let out = NSTemporaryDirectory() + "s3-poll-" + UUID().uuidString + ".json"
    let script = """
      import boto3, json, os, sys
      s3 = boto3.client('s3', endpoint_url=os.environ['S3MOUNT_ENDPOINT'])
      bucket, prefix, stop, out = os.environ['S3MOUNT_BUCKET'], sys.argv[1], sys.argv[2], sys.argv[3]
      reads, bad = 0, []
      while not os.path.exists(stop):
          pages = s3.get_paginator('list_objects_v2').paginate(Bucket=bucket, Prefix=prefix)
          keys = [o['Key'] for p in pages for o in p.get('Contents', []) if o['Key'].endswith('/_manifest.json')]
          for key in keys:
              try:
                  body = s3.get_object(Bucket=bucket, Key=key)['Body'].read()
              except s3.exceptions.NoSuchKey:
                  continue
              reads += 1
              try:
                  json.loads(body)
              except Exception:
                  bad.append('%s: %d bytes' % (key, len(body)))
      json.dump({'reads': reads, 'bad': bad}, open(out, 'w'))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: motoPython)
    process.arguments = ["-c", script, prefix, stop, out]
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in env { environment[key] = value }
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return (process, out)
  }

  static func finish(_ poller: (Process, String)) throws -> (reads: Int, bad: [String]) {
    poller.0.waitUntilExit()
    let data = try Data(contentsOf: URL(fileURLWithPath: poller.1))
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    return (object["reads"] as? Int ?? 0, object["bad"] as? [String] ?? [])
  }
}
