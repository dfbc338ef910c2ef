import ArgumentParser
import Foundation
import Logging
import MixpanelFake

struct FakeServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fake-server",
    abstract:
      "Serve a deterministic fake Mixpanel export and Query API on loopback (for tests, benchmarks and demos).",
    discussion: """
      The same flags always serve the same events. With --truth, print the per-day event counts \
      the export endpoint returns for --from…--to (at --now) as JSON and exit; with \
      --duplicate-share above 0 each day shows {"rows": n, "uniqueRows": m}.
      """)

  @Option(help: "Port to listen on (0 picks a free one).")
  var port = 8787

  @Option(help: "Address to listen on.")
  var host = "127.0.0.1"

  @Option(help: "Average events per day (each day varies by up to ±20%).")
  var eventsPerDay = 1_000

  @Option(help: "Seed of the generated data.")
  var seed: UInt64 = 42

  @Option(help: "The server's today (yyyy-mm-dd, UTC); default: the current UTC day.")
  var today: String?

  @Option(help: "Project API secret (default: $MIXPANEL_API_SECRET or 'fake-secret').")
  var apiSecret: String?

  @Option(help: "Also accept this service-account username (needs --service-account-secret, --project-id).")
  var serviceAccountUsername: String?

  @Option(help: "Service-account secret.")
  var serviceAccountSecret: String?

  @Option(help: "Project id for service-account requests.")
  var projectId: Int?

  @Option(help: "Pace each connection's response body to this many bytes per second.")
  var bandwidthBytesPerSecond: Int?

  @Option(
    help:
      "The server's now (epoch seconds or ISO-8601): only events processed by then are served (default: all)."
  )
  var now: String?

  @Flag(help: "Make some events arrive 1–4 days late (their mp_processing_time_ms).")
  var lateArrivals = false

  @Option(help: "Share of late events with --late-arrivals (0…1).")
  var lateShare = 0.05

  @Option(help: "Share of events served twice in their day (same bytes, same $insert_id; 0…1).")
  var duplicateShare = 0.0

  @Option(help: "Number of user profiles served by engage (user_10000, user_10001, …).")
  var profiles = 0

  @Option(help: "Engage session_ids expire this many seconds after page 0 (default: never).")
  var engageSessionSeconds: Double?

  @Flag(help: "Print the per-day truth for --from…--to as JSON and exit.")
  var truth = false

  @Option(help: "First day for --truth (yyyy-mm-dd).")
  var from: String?

  @Option(help: "Last day for --truth (yyyy-mm-dd).")
  var to: String?

  @OptionGroup(title: "Faults and rate limits")
  var faults: FakeServerFaultOptions

  func validate() throws {
    if let today, FakeDay(today) == nil { throw ValidationError("--today must be yyyy-mm-dd") }
    if let now, Self.epochSeconds(now) == nil {
      throw ValidationError("--now must be epoch seconds or ISO-8601 (e.g. 2024-06-30T12:00:00Z)")
    }
    guard profiles >= 0 else { throw ValidationError("--profiles must not be negative") }
    guard (0...1).contains(lateShare), (0...1).contains(duplicateShare) else {
      throw ValidationError("--late-share and --duplicate-share must be in 0…1")
    }
    if truth {
      guard let from, FakeDay(from) != nil, let to, FakeDay(to) != nil else {
        throw ValidationError("--truth needs --from and --to as yyyy-mm-dd")
      }
    }
    let account = [serviceAccountUsername == nil, serviceAccountSecret == nil, projectId == nil]
    if account.contains(true) && account.contains(false) {
      throw ValidationError(
        "--service-account-username, --service-account-secret and --project-id go together")
    }
    try faults.validate()
  }

  func run() async throws {
    let project = self.makeProject()
    if truth, let from = from.flatMap(FakeDay.init), let to = to.flatMap(FakeDay.init) {
      let truth = project.truth(from: from, to: to)
      print(duplicateShare > 0 ? truth.detailedJSON : truth.json)
      return
    }
    let logger = Logger(label: "mixpanel-lake.fake")
    let configuration = FakeServerConfiguration(
      host: host, port: port, bandwidthBytesPerSecondPerConnection: bandwidthBytesPerSecond,
      faults: faults.faults, rateLimits: faults.rateLimits, clock: SystemFakeClock(scale: faults.timeScale),
      engageSessionLifetime: engageSessionSeconds.map { .seconds($0) })
    try await runFakeMixpanelServer(project, configuration: configuration, logger: logger) { handle in
      FileHandle.standardOutput.write(Data("fake-mixpanel listening on \(handle.baseURL)\n".utf8))
    }
  }

  private func makeProject() -> FakeProject {
    let secret = apiSecret ?? ProcessInfo.processInfo.environment["MIXPANEL_API_SECRET"] ?? "fake-secret"
    var account: FakeServiceAccount?
    if let username = serviceAccountUsername, let secret = serviceAccountSecret, let projectId {
      account = FakeServiceAccount(username: username, secret: secret, projectID: projectId)
    }
    return FakeProject(
      seed: seed, eventsPerDay: eventsPerDay, today: today.flatMap(FakeDay.init), apiSecret: secret,
      serviceAccount: account, now: now.flatMap(Self.epochSeconds), lateArrivals: lateArrivals,
      lateShare: lateShare, duplicateShare: duplicateShare, profiles: profiles)
  }

  /// Epoch seconds from `1719748800`, `2024-06-30T12:00:00Z`, `2024-06-30T12:00:00.5+02:00`
  /// or `2024-06-30`.
  static func epochSeconds(_ text: String) -> Int64? {
    if let seconds = Int64(text) { return seconds }
    for options: ISO8601DateFormatter.Options in [
      [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate],
    ] {
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = options
      if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970.rounded(.down)) }
    }
    return nil
  }
}

/// `fake-server` flags for fault injection and rate limiting (all off by default).
struct FakeServerFaultOptions: ParsableArguments {
  @Option(help: "Seed of the fault dice.")
  var faultSeed: UInt64 = 0

  @Option(help: "Each fault fires at most this many times.")
  var faultMax = 3

  @Option(
    name: .customLong("fault-5xx-rate"),
    help: "Chance of a 500 {\"error\": \"unknown error\"} per export request.")
  var fault5xxRate = 0.0

  @Option(name: .customLong("fault-429-rate"), help: "Chance that a burst of 429s starts.")
  var fault429Rate = 0.0

  @Option(name: .customLong("fault-429-burst"), help: "Length of each 429 burst.")
  var fault429Burst = 3

  @Option(name: .customLong("fault-429-retry-after"), help: "Send Retry-After: N with burst 429s.")
  var fault429RetryAfter: Int?

  @Option(help: "Chance of a body cut mid-line (FIN).")
  var faultCutRate = 0.0

  @Flag(help: "Cut with RST (SO_LINGER 0) instead of FIN.")
  var faultCutReset = false

  @Option(help: "Chance of a 200 body ending in 'terminated early'.")
  var faultTerminatedEarlyRate = 0.0

  @Option(help: "Whole lines before 'terminated early' (default: half the body; 0: marker only).")
  var faultTerminatedEarlyLines: Int?

  @Option(
    help:
      "Export answers of more lines than this send that many, then 'terminated early' (Mixpanel's answer to a request too large)."
  )
  var maxLinesPerAnswer: Int?

  @Option(help: "Chance of a malformed JSON line inside the body.")
  var faultMalformedRate = 0.0

  @Option(help: "Chance of a mid-body stall.")
  var faultStallRate = 0.0

  @Option(help: "Stall length in seconds.")
  var faultStallSeconds = 5.0

  @Option(help: "Chance of a delayed response head.")
  var faultSlowFirstByteRate = 0.0

  @Option(help: "Delay before the response head, in seconds.")
  var faultSlowFirstByteSeconds = 5.0

  @Option(help: "Chance of a dribbled body (tiny chunks, slowly).")
  var faultDribbleRate = 0.0

  @Option(help: "Bytes per dribbled chunk.")
  var faultDribbleBytes = 16

  @Option(help: "Milliseconds between dribbled chunks.")
  var faultDribbleIntervalMs = 5

  @Option(help: "Chance that a request on a kept-alive connection is answered by closing it (any endpoint).")
  var faultStaleConnectionRate = 0.0

  @Option(name: .customLong("fault-query-5xx-rate"), help: "Chance of a 500 on a Query API call.")
  var faultQuery5xxRate = 0.0

  @Option(name: .customLong("fault-query-429-rate"), help: "Chance of a 429 on a Query API call.")
  var faultQuery429Rate = 0.0

  @Option(help: "Chance of a 200 whose body is Mixpanel's JSON error object.")
  var faultErrorObjectRate = 0.0

  @Option(help: "Whole lines before the error object (0: the object is the body).")
  var faultErrorObjectLines = 0

  @Option(help: "Chance of an empty 200 body for a request whose days hold events.")
  var faultEmptyBodyRate = 0.0

  @Option(help: "Chance of a 400 whose error text quotes the request's Authorization header.")
  var faultEchoAuthorizationRate = 0.0

  @Option(help: "Chance of a line with raw control bytes (ESC, CR, BEL, NUL).")
  var faultControlBytesRate = 0.0

  @Flag(
    help:
      "Enforce Mixpanel's limits: export 60/hour, 3/second, 100 concurrent; Query API 60/hour, 5 concurrent (429 beyond)."
  )
  var rateLimit = false

  @Option(help: "Rate limit: queries per sliding hour.")
  var rateLimitPerHour = 60

  @Option(help: "Rate limit: queries per second.")
  var rateLimitPerSecond = 3

  @Option(help: "Rate limit: concurrent queries.")
  var rateLimitConcurrent = 100

  @Flag(help: "Send Retry-After with rate-limit 429s.")
  var rateLimitRetryAfter = false

  @Option(help: "Speed of the rate-limit clock (3600: a simulated hour per real second).")
  var timeScale = 1.0

  func validate() throws {
    let rates = [
      fault5xxRate, fault429Rate, faultCutRate, faultTerminatedEarlyRate, faultMalformedRate, faultStallRate,
      faultSlowFirstByteRate, faultDribbleRate, faultStaleConnectionRate, faultQuery5xxRate,
      faultQuery429Rate, faultErrorObjectRate, faultEmptyBodyRate, faultEchoAuthorizationRate,
      faultControlBytesRate,
    ]
    guard rates.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
      throw ValidationError("fault rates must be in 0…1")
    }
    guard timeScale > 0 else { throw ValidationError("--time-scale must be positive") }
  }

  var faults: FakeFaults {
    func rule(_ rate: Double) -> FaultRule? {
      rate > 0 ? FaultRule(rate: rate, maxInjections: faultMax) : nil
    }
    return FakeFaults(
      seed: faultSeed,
      status5xx: rule(fault5xxRate),
      burst429: rule(fault429Rate).map {
        FakeFaults.Burst429(rule: $0, length: fault429Burst, retryAfterSeconds: fault429RetryAfter)
      },
      cutMidLine: rule(faultCutRate).map { FakeFaults.CutMidLine(rule: $0, reset: faultCutReset) },
      terminatedEarly: rule(faultTerminatedEarlyRate).map {
        FakeFaults.TerminatedEarly(rule: $0, linesBefore: faultTerminatedEarlyLines)
      },
      malformedLine: rule(faultMalformedRate),
      stallMidBody: rule(faultStallRate).map {
        FakeFaults.Pause(rule: $0, duration: .seconds(faultStallSeconds))
      },
      slowFirstByte: rule(faultSlowFirstByteRate).map {
        FakeFaults.Pause(rule: $0, duration: .seconds(faultSlowFirstByteSeconds))
      },
      dribble: rule(faultDribbleRate).map {
        FakeFaults.Dribble(
          rule: $0, chunkBytes: faultDribbleBytes, interval: .milliseconds(faultDribbleIntervalMs))
      },
      staleConnection: rule(faultStaleConnectionRate), queryServerError: rule(faultQuery5xxRate),
      queryTooManyRequests: rule(faultQuery429Rate),
      errorObject: rule(faultErrorObjectRate).map {
        FakeFaults.ErrorObject(rule: $0, linesBefore: faultErrorObjectLines)
      },
      emptyBody: rule(faultEmptyBodyRate), echoAuthorization: rule(faultEchoAuthorizationRate),
      controlBytes: rule(faultControlBytesRate), maxLinesPerAnswer: maxLinesPerAnswer)
  }

  var rateLimits: FakeRateLimits? {
    guard rateLimit else { return nil }
    return FakeRateLimits(
      perHour: rateLimitPerHour, perSecond: rateLimitPerSecond, maxConcurrent: rateLimitConcurrent,
      sendRetryAfter: rateLimitRetryAfter)
  }
}
