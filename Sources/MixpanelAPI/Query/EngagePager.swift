/// The engage pagination algorithm (mixpanel-api.md §5.3) as a pure value: it says which page to
/// ask for next, and when the pass is over. No I/O; the caller fetches and feeds pages back.
///
/// ```
///  next ─► (page 0, no session) ─► fetch ─► accept(page) ─► .more(next) ─► fetch ─► …
///                                                       └─► .done (a short page)
///                                                       └─► throws (a loop)
/// ```
///
/// A pass ends at the first page with fewer results than the page size (possibly empty). A
/// server that answers the same page twice — the same page number, or the same records as the
/// page before — would page forever; the pager stops with ``EngagePagingError`` instead. So does
/// a pass that runs past `ceil(total / page_size)` pages by more than one.
public struct EngagePager: Sendable {
  /// What to ask for next.
  public struct Position: Sendable, Equatable {
    public var page: Int
    public var sessionID: String?

    public init(page: Int, sessionID: String?) {
      self.page = page
      self.sessionID = sessionID
    }
  }

  /// What ``accept(_:)`` decided.
  public enum Step: Sendable, Equatable {
    case more(Position)
    case done
  }

  public let request: EngageRequest
  /// The page to fetch next; nil once the pass is done.
  public private(set) var next: Position? = Position(page: 0, sessionID: nil)
  /// Results accepted so far.
  public private(set) var rows = 0
  /// `total` from page 0, when sent.
  public private(set) var total: Int?
  private var seenPages: Set<Int> = []
  private var lastFingerprint: [JSONNode]?

  public init(request: EngageRequest) {
    self.request = request
  }

  /// Continues a pass an earlier run left at `page` of the session `sessionID`, after `rows`
  /// results, with page 0's `total`.
  public init(request: EngageRequest, resumingAt page: Int, sessionID: String, rows: Int, total: Int?) {
    self.request = request
    self.next = Position(page: page, sessionID: sessionID)
    self.rows = rows
    self.total = total
    self.seenPages = Set(0..<page)
  }

  /// Records a fetched page; returns what to fetch next.
  public mutating func accept(_ page: EngagePage) throws(EngagePagingError) -> Step {
    guard let asked = next else { throw .afterEnd(request.context(page: page.page)) }
    let context = request.context(page: asked.page)
    guard seenPages.insert(page.page).inserted else { throw .loop(context, "page \(page.page) came twice") }
    let fingerprint = Self.fingerprint(page.results)
    if let lastFingerprint, !fingerprint.isEmpty, fingerprint == lastFingerprint {
      throw .loop(context, "the same records as the page before")
    }
    lastFingerprint = fingerprint
    if asked.page == 0 { total = page.total }
    rows += page.results.count
    let pageSize = max(1, page.pageSize)
    guard page.results.count >= pageSize else {
      next = nil
      return .done
    }
    if let total, seenPages.count > (total + pageSize - 1) / pageSize + 1 {
      throw .loop(context, "more pages than total \(total) allows")
    }
    let position = Position(page: page.page + 1, sessionID: page.sessionID ?? asked.sessionID)
    next = position
    return .more(position)
  }

  /// First and last record of a page: enough to notice a page served again.
  private static func fingerprint(_ results: [JSONNode]) -> [JSONNode] {
    guard let first = results.first, let last = results.last else { return [] }
    return [first, last]
  }
}

/// Engage paging went wrong in a way retrying the same page cannot fix.
public struct EngagePagingError: Error, CustomStringConvertible, Sendable, Equatable {
  public let description: String

  static func loop(_ context: String, _ detail: String) -> EngagePagingError {
    EngagePagingError(
      description:
        "\(context): paging loops (\(detail)); the stream was not committed, run again (the server may have reset the session)"
    )
  }

  static func afterEnd(_ context: String) -> EngagePagingError {
    EngagePagingError(description: "\(context): a page arrived after the last page")
  }
}
