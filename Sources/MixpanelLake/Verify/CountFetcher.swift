import CalendarDay
import Logging
import MixpanelAPI

/// Asks Mixpanel for per-day counts of many names: one `/events` call per batch of names over
/// the whole range (§10.7.5 step 3), each under the Query rate limiter with retries. A `400`
/// halves the batch (§10.7.3: no documented maximum number of names).
struct CountFetcher<C: Clock>: Sendable where C.Duration == Duration {
  let client: MixpanelClient
  let caller: QueryCaller<C>
  let batchSize: Int
  let logger: Logger

  func counts(names: [String], from: Day, to: Day, stats: inout CallStats) async throws -> EventCounts {
    var result = EventCounts()
    var pending = stride(from: 0, to: names.count, by: max(1, batchSize)).map {
      Array(names[$0..<min($0 + max(1, batchSize), names.count)])
    }
    while !pending.isEmpty {
      let batch = pending.removeFirst()
      let request = EventCountsRequest(names: batch, fromDate: from, toDate: to)
      do {
        let counts = try await caller.call("events counts", stats: &stats) {
          try await client.eventCounts(request)
        }
        result.merge(counts)
      } catch let error as MixpanelAPIError where error.kind == .badRequest && batch.count > 1 {
        logger.warning("verify.counts_batch_halved", metadata: ["names": "\(batch.count)"])
        let half = batch.count / 2
        pending = [Array(batch[..<half]), Array(batch[half...])] + pending
      }
    }
    return result
  }

  /// Mixpanel's most common names of the range; empty when the call fails for a reason other
  /// than auth (the lake's own names are enough to check).
  func names(from: Day, to: Day, stats: inout CallStats) async throws -> [String] {
    do {
      return try await caller.call("events/names", stats: &stats) {
        try await client.eventNames(from: from, to: to, limit: 5_000)
      }
    } catch let error as MixpanelAPIError where !error.isAuthProblem {
      logger.warning("verify.event_names_failed", metadata: ["error": "\(error)"])
      return []
    }
  }
}
