import Foundation
import MixpanelAPI
import MixpanelLake
import Testing

/// What a tap-mixpanel (or Stitch, or pipelinewise) user's config file holds, read as they mean it.
@Suite("Config files written for tap-mixpanel")
struct TapConfigCompatTests {
  static let base = #""api_secret": "abc", "start_date": "2024-01-01""#

  static func parse(_ body: String, environment: [String: String] = [:]) throws -> LakeConfig {
    try ConfigLoaderTests.parse("{\(base), \(body)}", environment: environment)
  }

  @Test("eu_residency_server (tap-mixpanel's README spelling) picks the EU hosts like eu_residency")
  func euResidencyServer() throws {
    #expect(try Self.parse(#""eu_residency_server": "true""#).region == .eu)
    #expect(try Self.parse(#""eu_residency_server": "false""#).region == .us)
    #expect(
      try Self.parse(#""eu_residency_server": true"#).endpoints.exportBaseURL
        == "https://data-eu.mixpanel.com")
  }

  @Test(
    "request_timeout given as \"\", 0 or \"0\" (an empty form field) means the default, 300 s",
    arguments: [#""""#, "0", #""0""#])
  func blankTimeout(value: String) throws {
    #expect(try Self.parse(#""request_timeout": \#(value)"#).requestTimeoutSeconds == 300)
  }

  @Test("request_timeout still rejects a negative or non-number value")
  func badTimeout() {
    #expect(ConfigLoaderTests.error("{\(Self.base), \"request_timeout\": -5}")?.key == "request_timeout")
    #expect(
      ConfigLoaderTests.error("{\(Self.base), \"request_timeout\": \"soon\"}")?.key == "request_timeout")
  }

  @Test("an empty MIXPANEL_API_SECRET or MIXPANEL_SERVICE_ACCOUNT_SECRET does not override the file")
  func emptyEnvironmentIgnored() throws {
    let config = try ConfigLoaderTests.parse(
      #"{"api_secret": "file", "start_date": "2024-01-01"}"#, environment: ["MIXPANEL_API_SECRET": ""])
    #expect(config.credentials.secrets == ["file"])
    let account = try ConfigLoaderTests.parse(
      #"{"service_account_username": "u", "service_account_secret": "s", "project_id": 7, "start_date": "2024-01-01"}"#,
      environment: ["MIXPANEL_SERVICE_ACCOUNT_SECRET": ""])
    #expect(account.credentials.secrets == ["s"])
  }

  @Test("select_properties_by_default: nil when absent (each mode picks its default), else as given")
  func selectPropertiesByDefault() throws {
    #expect(try ConfigLoaderTests.parse("{\(Self.base)}").selectPropertiesByDefault == nil)
    #expect(try Self.parse(#""select_properties_by_default": "false""#).selectPropertiesByDefault == false)
    #expect(try Self.parse(#""select_properties_by_default": true"#).selectPropertiesByDefault == true)
  }

  @Test("a key given twice is an error naming it, at the top level and in a projects entry")
  func duplicateKeys() throws {
    let error = ConfigLoaderTests.error(
      #"{"api_secret": "a", "start_date": "2024-01-01", "api_secret": "b"}"#)
    #expect(error?.key == "api_secret")
    #expect(error?.description == "config key 'api_secret': given twice in the test config: keep one")
    let path = NSTemporaryDirectory() + "dup-\(UUID().uuidString).json"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(
      #"{"api_secret": "a", "start_date": "2024-01-01", "projects": [{"project_id": 1, "project_id": 2}]}"#
        .utf8
    ).write(to: URL(fileURLWithPath: path))
    #expect(throws: ConfigError.invalid("project_id", "given twice in entry 1 of 'projects': keep one")) {
      try ConfigLoader.loadAll(path: path, environment: [:])
    }
  }

  @Test("a config that is not a JSON object, or not UTF-8, is one plain line saying so")
  func notAnObject() throws {
    for (bytes, expected) in [
      (Array("[1, 2]".utf8), "is not a JSON object"), (Array("{\"api_secret\": ".utf8), "is not valid JSON"),
      ([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D], "is not valid JSON"),
    ] {
      do {
        _ = try ConfigFile.parse(bytes, source: "config file c.json")
        Issue.record("parsed \(bytes)")
      } catch let error as ConfigError {
        #expect(error.description.hasPrefix("config file c.json \(expected)"), "\(error)")
        #expect(!error.description.contains("\n") && !error.description.contains("DecodingError"))
      }
    }
  }
}
