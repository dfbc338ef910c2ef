import CalendarDay
import Foundation
import MixpanelAPI
import MixpanelLake
import Testing

@Suite("ConfigLoader")
struct ConfigLoaderTests {
  static func parse(_ json: String, environment: [String: String] = [:]) throws -> LakeConfig {
    let object = try ConfigFile.parse(Array(json.utf8), source: "the test config")
    return try ConfigLoader.parse(object, environment: environment)
  }

  static func error(_ json: String, environment: [String: String] = [:]) -> ConfigError? {
    do {
      _ = try parse(json, environment: environment)
      return nil
    } catch {
      return error as? ConfigError
    }
  }

  @Test("tap-mixpanel's config works unchanged, string numbers and booleans included")
  func tapConfig() throws {
    let config = try Self.parse(
      """
      {"api_secret": "abc", "date_window_size": "15", "attribution_window": "3",
       "project_timezone": "Europe/Berlin", "select_properties_by_default": "true",
       "start_date": "2024-01-01T00:00:00Z", "user_agent": "me@example.com", "eu_residency": "true",
       "end_date": "2024-03-01", "request_timeout": 120, "export_events": "Signed Up, Purchase",
       "denest_properties": "true"}
      """)
    #expect(config.dateWindowSize == 15 && config.attributionWindow == 3)
    #expect(config.startDate == Day("2024-01-01") && config.endDate == Day("2024-03-01"))
    #expect(config.region == .eu && config.endpoints.exportBaseURL == "https://data-eu.mixpanel.com")
    #expect(config.exportEvents == ["Signed Up", "Purchase"])
    #expect(config.requestTimeoutSeconds == 120 && config.userAgent == "me@example.com")
    #expect(config.exportDayZone == "UTC")
  }

  @Test(
    "defaults: windows cut by volume (30 days without counts), 5-day attribution, zstd level 3, as many windows in flight as Mixpanel allows, a 48 MiB frame budget, ./lake"
  )
  func defaults() throws {
    let config = try Self.parse(#"{"api_secret": "abc", "start_date": "2024-01-01"}"#)
    #expect(config.windowsByVolume && config.dateWindowSize == 30 && config.attributionWindow == 5)
    #expect(config.compression == .zstd && config.compressionLevel == 3)
    #expect(config.maxConcurrentWindows == 100 && config.lake == "./lake")
    #expect(config.partMemory.budget == 48 << 20)
    // export_max_concurrent bounds the default; explicit values keep their meaning.
    let lowered = try Self.parse(
      #"{"api_secret": "abc", "start_date": "2024-01-01", "export_max_concurrent": 20}"#)
    #expect(lowered.maxConcurrentWindows == 20)
    let explicit = try Self.parse(
      #"{"api_secret": "abc", "start_date": "2024-01-01", "date_window_size": "7", "max_concurrent_windows": 4, "memory_budget_mb": 32}"#
    )
    #expect(!explicit.windowsByVolume && explicit.dateWindowSize == 7 && explicit.maxConcurrentWindows == 4)
    #expect(explicit.partMemory.budget == 32 << 20)
    #expect(
      Self.error(#"{"api_secret": "abc", "start_date": "2024-01-01", "memory_budget_mb": 2}"#)?.key
        == "memory_budget_mb")
  }

  @Test("MIXPANEL_API_SECRET overrides the file; service accounts need project_id")
  func secrets() throws {
    let config = try Self.parse(
      #"{"api_secret": "file", "start_date": "2024-01-01"}"#, environment: ["MIXPANEL_API_SECRET": "env"])
    #expect(config.credentials.secrets == ["env"])
    #expect(Self.error(#"{"start_date": "2024-01-01"}"#)?.key == "api_secret")
    #expect(
      Self.error(
        #"{"service_account_username": "u", "service_account_secret": "s", "start_date": "2024-01-01"}"#)?
        .key == "project_id")
  }

  @Test(
    "bad values are one-line errors naming the key",
    arguments: [
      (#"{"api_secret": "a", "start_date": "2024-01-01", "date_windowsize": 3}"#, "date_windowsize"),
      (#"{"api_secret": "a", "start_date": "2024-13-01"}"#, "start_date"),
      (
        #"{"api_secret": "a", "start_date": "2024-01-01", "project_timezone": "Mars/Olympus"}"#,
        "project_timezone"
      ),
      (#"{"api_secret": "a", "start_date": "2024-01-01", "compression": "lz4"}"#, "compression"),
      (#"{"api_secret": "a", "start_date": "2024-01-01", "date_window_size": 0}"#, "date_window_size"),
      (#"{"api_secret": "a", "start_date": "2024-02-01", "end_date": "2024-01-01"}"#, "end_date"),
      (#"{"api_secret": "a", "start_date": "2024-01-01", "region": "mars"}"#, "region"),
      (
        #"{"api_secret": "a", "start_date": "2024-01-01", "compression": "gzip", "compression_level": 12}"#,
        "compression_level"
      ),
    ])
  func badValues(json: String, key: String) throws {
    let error = try #require(Self.error(json))
    #expect(error.key == key)
    #expect(error.description.contains("'\(key)'"))
    #expect(!error.description.contains("\n"))
  }

  @Test("an unknown key suggests the closest known one")
  func suggestion() throws {
    let error = try #require(
      Self.error(#"{"api_secret": "a", "start_date": "2024-01-01", "attribution_windw": 3}"#))
    #expect(error.description.contains("did you mean 'attribution_window'"))
  }

  @Test("region picks Mixpanel's hosts: us, eu, in; export_api_url overrides")
  func regions() throws {
    let india = try Self.parse(#"{"api_secret": "a", "start_date": "2024-01-01", "region": "in"}"#)
    #expect(india.endpoints.exportBaseURL == "https://data-in.mixpanel.com")
    #expect(india.endpoints.queryBaseURL == "https://in.mixpanel.com")
    let us = try Self.parse(#"{"api_secret": "a", "start_date": "2024-01-01"}"#)
    #expect(us.endpoints.exportBaseURL == "https://data.mixpanel.com")
    let eu = try Self.parse(#"{"api_secret": "a", "start_date": "2024-01-01", "region": "EU"}"#)
    #expect(eu.endpoints.queryBaseURL == "https://eu.mixpanel.com")
    let proxied = try Self.parse(
      #"{"api_secret": "a", "start_date": "2024-01-01", "region": "eu", "export_api_url": "http://127.0.0.1:9/"}"#
    )
    #expect(
      proxied.endpoints.exportBaseURL == "http://127.0.0.1:9"
        && proxied.endpoints.queryBaseURL == "https://eu.mixpanel.com")
  }
}
