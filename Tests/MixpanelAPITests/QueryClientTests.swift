import Testing

@testable import MixpanelAPI

@Suite("Query client: JSON values, engage requests and the engage pager")
struct QueryClientTests {
  // MARK: JSONNode

  @Test("parsing keeps key order, number text and the difference between true, 1 and \"1\"")
  func parseKeepsTypes() throws {
    let text = #"{"b":1,"a":1.50,"c":true,"d":"1","e":null,"f":[1e3,-0.0,{"x":[]}],"g":12345678901234567890}"#
    let node = try JSONNode(parsing: Array(text.utf8))
    #expect(node.objectValue?.map(\.key) == ["b", "a", "c", "d", "e", "f", "g"])
    #expect(node["b"] == .number("1") && node["a"] == .number("1.50") && node["c"] == .bool(true))
    #expect(node["d"] == .string("1") && node["e"] == .null)
    #expect(String(decoding: node.bytes, as: UTF8.self) == text, "compact text round-trips byte for byte")
  }

  @Test("strings: escapes, surrogate pairs and non-ASCII round-trip as JSON text")
  func strings() throws {
    let node = try JSONNode(parsing: Array(#" "q\"b\\s\/ \n\t\u0001 \u00e9 \ud83d\ude00 東京" "#.utf8))
    #expect(node == .string("q\"b\\s/ \n\t\u{01} é 😀 東京"))
    #expect(String(decoding: node.bytes, as: UTF8.self) == #""q\"b\\s/ \n\t\u0001 é 😀 東京""#)
    #expect(try JSONNode(parsing: node.bytes) == node)
  }

  @Test(
    "malformed JSON is an error naming the offset",
    arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "\"x", "nul", "1 2"])
  func malformed(_ text: String) {
    #expect(throws: JSONNodeError.self) { try JSONNode(parsing: Array(text.utf8)) }
  }

  // MARK: EngageRequest

  @Test("form body: cohort filter as a JSON object, page_size always, session_id and page after page 0")
  func formItems() {
    let request = EngageRequest(
      cohortID: 4_817_263, includeAllUsers: false, outputProperties: ["$email"], pageSize: 250)
    let first = request.formItems(page: 0, sessionID: nil)
    #expect(first.map(\.0) == ["filter_by_cohort", "include_all_users", "output_properties", "page_size"])
    #expect(first[0].1 == #"{"id":4817263}"# && first[2].1 == #"["$email"]"# && first[3].1 == "250")
    let later = request.formItems(page: 3, sessionID: "1717250400-7KqJ3fH2")
    #expect(later.suffix(2).map(\.0) == ["session_id", "page"] && later.last?.1 == "3")
  }

  // MARK: EngagePager

  private func page(_ number: Int, ids: Range<Int>, size: Int = 3, total: Int? = nil) -> EngagePage {
    EngagePage(
      page: number, pageSize: size, sessionID: "s1", total: total,
      results: ids.map { .object([("$distinct_id", .string("u\($0)")), ("$properties", .object([]))]) })
  }

  @Test("pages until a short page; the session from page 0 is passed on")
  func pagesUntilShort() throws {
    var pager = EngagePager(request: EngageRequest(pageSize: 3))
    #expect(pager.next == .init(page: 0, sessionID: nil))
    #expect(try pager.accept(page(0, ids: 0..<3, total: 7)) == .more(.init(page: 1, sessionID: "s1")))
    #expect(try pager.accept(page(1, ids: 3..<6)) == .more(.init(page: 2, sessionID: "s1")))
    #expect(try pager.accept(page(2, ids: 6..<7)) == .done)
    #expect(pager.next == nil && pager.rows == 7 && pager.total == 7)
  }

  @Test("an empty page after full ones ends the pass")
  func emptyLastPage() throws {
    var pager = EngagePager(request: EngageRequest(pageSize: 3))
    _ = try pager.accept(page(0, ids: 0..<3, total: 3))
    #expect(try pager.accept(page(1, ids: 0..<0)) == .done)
    #expect(pager.rows == 3)
  }

  @Test("the same page number twice is a loop")
  func samePageNumber() throws {
    var pager = EngagePager(request: EngageRequest(pageSize: 3))
    _ = try pager.accept(page(0, ids: 0..<3))
    #expect(throws: EngagePagingError.self) { try pager.accept(page(0, ids: 3..<6)) }
  }

  @Test("the same records as the page before are a loop, whatever the page number says")
  func sameRecords() throws {
    var pager = EngagePager(request: EngageRequest(pageSize: 3))
    _ = try pager.accept(page(0, ids: 0..<3))
    #expect(throws: EngagePagingError.self) { try pager.accept(page(1, ids: 0..<3)) }
  }

  @Test("more full pages than ceil(total / page_size) + 1 is a loop")
  func beyondTotal() throws {
    var pager = EngagePager(request: EngageRequest(pageSize: 3))
    _ = try pager.accept(page(0, ids: 0..<3, total: 3))
    _ = try pager.accept(page(1, ids: 3..<6))
    #expect(throws: EngagePagingError.self) { try pager.accept(page(2, ids: 6..<9)) }
  }
}
