import CalendarDay
import Testing

@testable import MixpanelAPI

@Suite("Export request and errors")
struct ExportRequestTests {
  @Test("query parameters: inclusive dates, event as a JSON array, percent-encoded")
  func queryParameters() {
    let request = ExportRequest(
      fromDate: Day("2024-06-01")!, toDate: Day("2024-06-30")!, events: ["Signed Up", "Pur\"chase"],
      whereExpression: #"properties["$os"]=="iOS""#, timeInMilliseconds: true)
    #expect(
      QueryString.encode(request.queryItems)
        == "from_date=2024-06-01&to_date=2024-06-30&event=%5B%22Signed%20Up%22%2C%22Pur%5C%22chase%22%5D"
        + "&where=properties%5B%22%24os%22%5D%3D%3D%22iOS%22&time_in_ms=true")
  }

  @Test("Basic auth: project secret as user with empty password; service account user:secret")
  func authorization() {
    #expect(Credentials.projectSecret("s3cr3t").authorizationHeader == "Basic czNjcjN0Og==")
    let account = Credentials.serviceAccount(username: "exporter", secret: "pw", projectID: 7)
    #expect(account.authorizationHeader == "Basic ZXhwb3J0ZXI6cHc=")
    #expect(account.projectID == 7)
    #expect(!"\(Credentials.projectSecret("s3cr3t"))".contains("s3cr3t"))
    #expect(!"\(account)".contains("pw"))
  }

  @Test("regions pick Mixpanel's hosts; overrides win and lose their trailing slash")
  func endpoints() {
    #expect(Endpoints(region: .eu).exportBaseURL == "https://data-eu.mixpanel.com")
    #expect(Endpoints(region: .in).queryBaseURL == "https://in.mixpanel.com")
    #expect(
      Endpoints(region: .us, exportBaseURL: "http://127.0.0.1:9/").exportBaseURL == "http://127.0.0.1:9")
  }

  @Test("error bodies are read leniently and become one line with the fix")
  func errorMessages() {
    let badDate = MixpanelAPIError.fromStatus(
      400, body: Array(#"{"request":"/api/2.0/export?x","error":"to_date cannot be later than today"}"#.utf8),
      retryAfter: nil, context: "export 2024-06-01..2024-06-30")
    #expect(badDate.kind == .badRequest && !badDate.isRetryable)
    #expect(badDate.description.contains("to_date cannot be later than today"))
    #expect(badDate.description.contains("project_timezone"))
    let auth = MixpanelAPIError.fromStatus(
      401, body: Array("nope\nmore".utf8), retryAfter: nil, context: "export")
    #expect(auth.isAuthProblem && auth.serverMessage == "nope more")
    #expect(auth.description.contains("api_secret"))
    let limited = MixpanelAPIError.fromStatus(
      429, body: Array(#"{"message":"slow down"}"#.utf8), retryAfter: "12", context: "export")
    #expect(limited.isRetryable && limited.retryAfterSeconds == 12 && limited.serverMessage == "slow down")
    #expect(MixpanelAPIError.fromStatus(503, body: [], retryAfter: nil, context: "x").isRetryable)
  }
}
