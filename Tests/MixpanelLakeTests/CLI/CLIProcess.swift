import Foundation

/// Runs the built `mixpanel-lake` binary and captures what it printed. Waiting is asynchronous
/// (a termination handler), so parallel tests never block the cooperative thread pool.
struct CLIProcess {
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  static var binary: String { path(of: "mixpanel-lake") }

  /// A built executable of the package: `mixpanel-lake` or `tap-mixpanel-lake`.
  static func path(of executable: String) -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/\(executable)").path
  }

  static func run(
    _ arguments: [String], environment: [String: String] = [:], executable: String = "mixpanel-lake"
  ) async throws -> Result {
    let scratch = NSTemporaryDirectory() + "cli-" + UUID().uuidString
    let outPath = scratch + ".out"
    let errPath = scratch + ".err"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    defer {
      try? FileManager.default.removeItem(atPath: outPath)
      try? FileManager.default.removeItem(atPath: errPath)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path(of: executable))
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["MIXPANEL_API_SECRET"] = nil
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.standardOutput = FileHandle(forWritingAtPath: outPath)
    process.standardError = FileHandle(forWritingAtPath: errPath)
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      process.terminationHandler = { _ in continuation.resume() }
      do {
        try process.run()
      } catch {
        process.terminationHandler = nil
        continuation.resume(throwing: error)
      }
    }
    return Result(
      status: process.terminationStatus,
      stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
  }

  /// Non-empty stderr lines.
  static func lines(_ text: String) -> [String] {
    text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
  }
}
