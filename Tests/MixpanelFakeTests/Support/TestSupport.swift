import Foundation
import Logging
import Testing

@testable import MixpanelFake

let testLogger = Logger(label: "mixpanel-fake-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// The fixed "today" of test projects.
let testToday = FakeDay("2024-06-30")!

func day(_ text: String) -> FakeDay {
  FakeDay(text)!
}

func basicAuth(_ credentials: String) -> [String: String] {
  ["Authorization": "Basic " + Data(credentials.utf8).base64EncodedString()]
}

/// The default project secret header (`fake-secret:`).
let secretAuth = basicAuth("fake-secret:")

func makeProject(seed: UInt64 = 7, eventsPerDay: Int = 50, serviceAccount: FakeServiceAccount? = nil)
  -> FakeProject
{
  FakeProject(seed: seed, eventsPerDay: eventsPerDay, today: testToday, serviceAccount: serviceAccount)
}

/// Runs `body` against a fresh server for `project`.
func withServer<T>(
  _ project: FakeProject = makeProject(),
  configuration: FakeServerConfiguration = FakeServerConfiguration(),
  _ body: (FakeServerHandle) async throws -> T
) async throws -> T {
  try await withFakeMixpanelServer(project, configuration: configuration, logger: testLogger, body)
}

/// One request on a fresh connection.
func get(
  _ server: FakeServerHandle, _ target: String, headers: [String: String] = secretAuth
) throws -> RawHTTPResponse {
  try RawHTTPConnection(port: server.port).get(target, headers: headers)
}

func exportPath(_ from: String, _ to: String, _ extra: String = "") -> String {
  "/api/2.0/export?from_date=\(from)&to_date=\(to)" + extra
}

/// Parses each line as a JSON object; nil when any line is not one.
func parseLines(_ lines: [Substring]) -> [[String: Any]]? {
  var objects: [[String: Any]] = []
  for line in lines {
    guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
      return nil
    }
    objects.append(object)
  }
  return objects
}

/// One POST on a fresh connection.
func post(
  _ server: FakeServerHandle, _ target: String, body: String, headers: [String: String] = secretAuth
) throws -> RawHTTPResponse {
  try RawHTTPConnection(port: server.port).post(target, body: body, headers: headers)
}

/// Percent-encodes a query parameter value (everything but alphanumerics).
func encoded(_ text: String) -> String {
  text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
}

/// `["a","b"]` percent-encoded, for the `event` parameter.
func encodedJSONArray(_ names: [String]) -> String {
  encoded(String(decoding: try! JSONSerialization.data(withJSONObject: names), as: UTF8.self))
}

/// The `properties` object of each JSONL line.
func properties(_ response: RawHTTPResponse) throws -> [[String: Any]] {
  try #require(parseLines(response.lines)).map { $0["properties"] as! [String: Any] }
}
