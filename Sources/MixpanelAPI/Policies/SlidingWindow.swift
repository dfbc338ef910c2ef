/// The start instants of the requests granted in the last `length`, at most `limit` of them.
///
/// A fixed-capacity ring buffer: recording and pruning are O(1) amortised, and memory is
/// `limit` instants whatever the run length.
///
/// ```
///            length (e.g. 3600 s)
///   |<--------------------------------->|
/// --x----x--x--------------x-----x------|--> time
///   ^ oldest: frees a slot at oldest + length
/// ```
struct SlidingWindow<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
  let limit: Int
  let length: Duration
  private var starts: [Instant?]
  private var head = 0
  private(set) var count = 0

  init(limit: Int, length: Duration) {
    self.limit = limit
    self.length = length
    self.starts = Array(repeating: nil, count: limit)
  }

  /// Forgets the starts that are `length` or more before `now`.
  mutating func prune(at now: Instant) {
    while count > 0, let oldest = starts[head], oldest.advanced(by: length) <= now {
      starts[head] = nil
      head = (head + 1) % limit
      count -= 1
    }
  }

  /// When a slot frees if the window is full at `now` (after pruning), else `nil`.
  func fullUntil() -> Instant? {
    guard count == limit, let oldest = starts[head] else { return nil }
    return oldest.advanced(by: length)
  }

  /// Records a start; the caller has checked that the window is not full.
  mutating func record(_ start: Instant) {
    precondition(count < limit, "SlidingWindow.record on a full window")
    starts[(head + count) % limit] = start
    count += 1
  }
}
