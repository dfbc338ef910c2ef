import CalendarDay
public import Foundation
import Lake
public import Logging
public import MixpanelAPI

/// The Singer tap: syncs the catalog's selected streams and writes Singer messages.
///
/// ```
///  for each selected stream:  STATE (currently_syncing) ─► SCHEMA
///   export:      plan ─► task group of WindowTask (rate limiter, retries, splits, as the lake)
///                  └► a window commits into the spool ─► in plan order: [SCHEMA if new columns]
///                     RECORD × rows ─► STATE (bookmark over the gap-free prefix)
///   full table:  FullTableContext fills one spooled snapshot ─► RECORD × rows ─► STATE
///  ─► STATE (currently_syncing: null)
/// ```
///
/// Nothing is written to stdout for a window until it was read whole: a retried, split or
/// failed window emits no record twice, and a record is never emitted after a STATE that
/// claims it.
public struct SingerTap<C: Clock>: Sendable where C.Duration == Duration {
  public let config: LakeConfig
  public let catalog: SingerCatalog
  public let logger: Logger
  /// The clock rate-limit waits and retry backoff sleep on (tests inject a virtual one).
  public let clock: C
  public let now: @Sendable () -> Date
  /// For export requests.
  public let retryPolicy: RetryPolicy
  /// For Query API calls (the same as `retryPolicy` when one was given).
  public let queryRetryPolicy: RetryPolicy

  public init(
    config: LakeConfig, catalog: SingerCatalog, logger: Logger, clock: C,
    now: @escaping @Sendable () -> Date = { Date() }, retryPolicy: RetryPolicy? = nil
  ) {
    self.config = config
    self.catalog = catalog
    self.logger = logger
    self.clock = clock
    self.now = now
    self.retryPolicy = retryPolicy ?? config.exportRetryPolicy
    self.queryRetryPolicy = retryPolicy ?? config.queryRetryPolicy
  }

  /// Syncs every selected stream from `state`; returns the last state emitted.
  public func sync(state initial: SingerState, to output: SingerOutput) async throws -> SingerState {
    var state = initial
    let spool = SingerSpool(root: Self.spoolDirectory(), compression: .zstd)
    defer { spool.removeAll() }
    var spoolConfig = config
    spoolConfig.lake = spool.root
    // Export records as the tap sends them: flat, or Mixpanel's line with denest_properties false.
    spoolConfig.recordFormat = config.denestProperties ? .flat : .raw
    spoolConfig.compression = .zstd
    spoolConfig.compressionLevel = 1
    spoolConfig.snapshots = false
    spoolConfig.statePath = nil  // the spool's own _state.json, never the user's state file
    try FileSystem.makeDirectories(spool.root)
    let started = now()
    let runID = "tap-" + RunSummary.makeRunID(started)
    try await MixpanelClient.withClient(configuration: config.clientConfiguration, logger: logger) { client in
      let queryLimiter = RateLimiter(policy: config.queryRateLimit, clock: clock, logger: logger)
      var context = FullTableContext(
        client: client,
        caller: QueryCaller(
          limiter: queryLimiter, retryPolicy: queryRetryPolicy, clock: clock, logger: logger),
        config: spoolConfig, logger: logger, runID: runID,
        snapshotDate: Day(epochSeconds: Int64(started.timeIntervalSince1970.rounded(.down))), now: now)
      let today = Planner.today(now: started, zone: config.projectZone)
      context.annotationsRange = (config.startDate, min(config.endDate ?? today, today))
      for selection in catalog.selections {
        try Task.checkCancellation()
        guard
          let spec = SingerStreamSpec.named(
            selection.stream, exportKey: config.exportKey, nested: !config.denestProperties)
        else {
          continue
        }
        state.currentlySyncing = spec.name
        try output.state(state.message)
        // Nested export records have two columns whatever a flat catalog lists.
        let nested = !config.denestProperties && spec.name == StreamName.export.name
        var schema = SingerSchema(
          spec: spec,
          selection: nested
            ? .init(stream: spec.name, declared: spec.columns.map(\.name), deselected: []) : selection,
          keepsUndeclared: nested || (config.selectPropertiesByDefault ?? catalog.isDefault),
          stringTypes: config.singerStringTypes)
        try output.schema(schema.message())
        if let table = spec.fullTableStream {
          try await syncTable(table, schema: &schema, context: &context, spool: spool, output: output)
        } else if let daily = spec.dailyStream {
          try await syncDaily(
            daily, schema: &schema, state: &state,
            spool: (spool, spoolConfig, runID), limiter: queryLimiter, output: output)
        } else {
          let sync = SingerExportSync(
            tap: self, spoolConfig: spoolConfig, spool: spool, runID: runID, client: client)
          try await sync.run(schema: &schema, state: &state, output: output)
        }
      }
    }
    state.currentlySyncing = nil
    try output.state(state.message)
    return state
  }

  private func syncTable(
    _ table: FullTableStream, schema: inout SingerSchema, context: inout FullTableContext<C>,
    spool: SingerSpool,
    output: SingerOutput
  ) async throws {
    let (record, error) = try await context.run(table)
    if let error { throw error }
    guard record.status == .committed else {
      logger.warning(
        "tap.stream_skipped", metadata: ["stream": "\(table.name)", "reason": "\(record.message ?? "")"])
      return
    }
    let rows = try spool.emit(
      [table.name], schema: &schema, timeExtracted: Timestamp.singer(Self.seconds(now())), to: output)
    spool.remove(table.name)
    try output.flush()
    logger.info("tap.stream_synced", metadata: ["stream": "\(table.name)", "rows": "\(rows)"])
  }

  /// Runs a daily stream (funnels, revenue) into the spool from the state's bookmark, then emits
  /// the committed days and the new bookmark. Days committed before a failure are emitted, and
  /// the bookmark covers them, before the error is thrown.
  private func syncDaily(
    _ stream: DailyStream, schema: inout SingerSchema, state: inout SingerState,
    spool: (spool: SingerSpool, config: LakeConfig, runID: String), limiter: RateLimiter<C>,
    output: SingerOutput
  ) async throws {
    // The spool's state file starts from the tap's bookmark, so the run plans from it.
    var lakeState = LakeState()
    lakeState.bookmarks[stream.name] = state.bookmark(stream.name)
    try StateStore.write(lakeState, to: spool.config.resolvedStatePath)
    let summary = try await QueryStreamsRun(
      config: spool.config, logger: logger, clock: clock, now: now, retryPolicy: queryRetryPolicy,
      limiter: limiter
    )
    .daily([stream], runID: spool.runID)
    guard let record = summary.streams.first else { return }
    // Days committed before a failure or a skip are emitted, and the bookmark covers them.
    let folders = ((try? FileSystem.list("\(spool.spool.root)/\(stream.name)")) ?? [])
      .filter { $0.hasPrefix("day=") }.sorted().map { "\(stream.name)/\($0)" }
    let rows = try spool.spool.emit(
      folders, schema: &schema, timeExtracted: Timestamp.singer(Self.seconds(now())), to: output)
    for folder in folders { spool.spool.remove(folder) }
    if let bookmark = record.bookmark {
      state.setBookmark(stream.name, Timestamp.parse(bookmark).map(Timestamp.singer) ?? bookmark)
      try output.state(state.message)
    }
    try output.flush()
    if record.status == .skipped {
      logger.warning(
        "tap.stream_skipped", metadata: ["stream": "\(stream.name)", "reason": "\(record.message ?? "")"])
      return
    }
    if record.status == .failed {
      throw summary.errors.first ?? SingerError(message: record.message ?? "\(stream.name) failed")
    }
    logger.info("tap.stream_synced", metadata: ["stream": "\(stream.name)", "rows": "\(rows)"])
  }

  static func seconds(_ date: Date) -> Int64 {
    Int64(date.timeIntervalSince1970.rounded(.down))
  }

  /// A fresh folder under `TMPDIR` for this run's spool.
  static func spoolDirectory() -> String {
    let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
    return "\(trimmed)/.tap-mixpanel-lake-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
  }
}

extension SingerTap where C == ContinuousClock {
  /// A tap on the real clock.
  public init(config: LakeConfig, catalog: SingerCatalog, logger: Logger) {
    self.init(config: config, catalog: catalog, logger: logger, clock: ContinuousClock())
  }
}
