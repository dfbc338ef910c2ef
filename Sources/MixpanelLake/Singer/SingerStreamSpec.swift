public import MixpanelAPI

/// What the tap knows about one Singer stream before it reads any data: its keys, how it
/// replicates, the columns it always has (with their JSON Schema types) and which of them hold
/// datetimes to be written as ISO-8601 UTC.
///
/// Every stream's schema is permissive: known columns accept `null`, and columns first seen in
/// the data (Mixpanel's properties are dynamic) are declared with the type of their first value
/// (``PropertyType``) in a SCHEMA message sent before the first record that has them, with
/// `additionalProperties: true`.
public struct SingerStreamSpec: Sendable {
  public enum Replication: String, Sendable {
    case incremental = "INCREMENTAL"
    case fullTable = "FULL_TABLE"
  }

  public let name: String
  public private(set) var keyProperties: [String]
  public let replication: Replication
  public let replicationKey: String?
  /// Known columns in a stable order, with their types.
  public let columns: [(name: String, type: ColumnType)]
  /// Columns whose `YYYY-MM-DD HH:MM:SS` (or `…THH:MM:SS`) text is rewritten as
  /// `YYYY-MM-DDTHH:MM:SSZ`.
  public let datetimeColumns: Set<String>

  /// Columns that are always emitted, whatever the catalog deselects.
  public var automaticColumns: Set<String> {
    Set(keyProperties + (replicationKey.map { [$0] } ?? []))
  }

  /// The full-table stream behind this spec, if it is one.
  public var fullTableStream: FullTableStream? { FullTableStream(rawValue: name) }

  /// The daily Query stream (funnels, revenue) behind this spec, if it is one.
  public var dailyStream: DailyStream? { DailyStream(rawValue: name) }

  /// Every stream the tap can sync, in the order it syncs them.
  public static let all: [SingerStreamSpec] = [
    export, engage, cohorts, cohortMembers, annotations, funnels, revenue,
  ]

  /// - Parameters:
  ///   - exportKey: `export_key: true`: export declares Mixpanel's own duplicate key.
  ///   - nested: `denest_properties: false`: export's records keep `properties` nested.
  public static func named(_ name: String, exportKey: Bool = false, nested: Bool = false) -> SingerStreamSpec?
  {
    specs(exportKey: exportKey, nested: nested).first { $0.name == name }
  }

  /// Every stream; export keyed by ``exportKeyProperties`` when `exportKey` is true, or
  /// ``nestedExport`` when `nested` is.
  public static func specs(exportKey: Bool, nested: Bool = false) -> [SingerStreamSpec] {
    all.map { spec in
      guard spec.name == StreamName.export.name else { return spec }
      if nested { return nestedExport }
      var keyed = spec
      if exportKey { keyed.keyProperties = exportKeyProperties }
      return keyed
    }
  }

  /// Export with `denest_properties: false`: Mixpanel's line as it is, `event` and the
  /// `properties` object (with `time` inside it, epoch seconds), as pipelinewise's tap sends it.
  static let nestedExport = SingerStreamSpec(
    name: StreamName.export.name, keyProperties: [], replication: .incremental, replicationKey: nil,
    columns: [("event", .fixed(nullable("string"))), ("properties", .fixed(nullable("object")))],
    datetimeColumns: [])

  /// What Mixpanel itself deduplicates events on (`event`, `distinct_id`, `time`, `$insert_id`),
  /// as flat columns: declared as export's `key_properties` with `export_key: true`, so that
  /// merging targets upsert the attribution window each run sends again instead of appending it.
  public static let exportKeyProperties = ["event", "distinct_id", "time", "mp_reserved_insert_id"]

  /// A known column's type.
  public enum ColumnType: Sendable, Equatable {
    /// A type the stream always has (keys, datetimes, counts).
    case fixed(JSONNode)
    /// A Mixpanel property: declared as its ``PropertyType``, or as a string with
    /// `singer_types: tap`.
    case property(PropertyType)

    /// The column's JSON Schema.
    func schema(stringTypes: Bool) -> JSONNode {
      switch self {
      case .fixed(let schema): schema
      case .property(let type): (stringTypes ? .string : type).jsonSchema
      }
    }
  }

  /// A nullable string: what `singer_types: tap` declares for every property.
  public static let stringType = nullable("string")

  /// Any JSON value: what catalogs written by earlier releases declared for properties (kept
  /// as it is when a catalog says so).
  public static let anyType = JSONNode.object([
    (
      "type",
      .array(["null", "string", "number", "integer", "boolean", "object", "array"].map { .string($0) })
    )
  ])

  static func nullable(_ types: String..., format: String? = nil) -> JSONNode {
    var members: [(key: String, value: JSONNode)] = [
      ("type", .array((["null"] + types).map { .string($0) }))
    ]
    if let format { members.append(("format", .string(format))) }
    return .object(members)
  }

  static let dateTime = nullable("string", format: "date-time")

  static let export = SingerStreamSpec(
    name: StreamName.export.name, keyProperties: [], replication: .incremental, replicationKey: "time",
    columns: [
      ("event", .fixed(nullable("string"))), ("time", .fixed(dateTime)), ("distinct_id", .property(.string)),
      ("mp_reserved_insert_id", .property(.string)), ("mp_reserved_mp_api_endpoint", .property(.string)),
      ("mp_reserved_mp_api_timestamp_ms", .property(.number)), ("mp_processing_time_ms", .property(.number)),
      ("mp_lib", .property(.string)), ("mp_reserved_browser", .property(.string)),
      ("mp_reserved_os", .property(.string)), ("mp_reserved_city", .property(.string)),
      ("mp_reserved_region", .property(.string)), ("mp_country_code", .property(.string)),
      ("mp_reserved_current_url", .property(.string)), ("mp_reserved_device_id", .property(.string)),
      ("mp_reserved_user_id", .property(.string)),
      // In tap-mixpanel's export schema too, so tables it built line up.
      ("dataset", .property(.string)), ("labels", .property(.array)), ("sampling_factor", .property(.number)),
    ],
    datetimeColumns: ["time"])

  static let engage = SingerStreamSpec(
    name: StreamName.engage.name, keyProperties: ["distinct_id"], replication: .fullTable,
    replicationKey: nil,
    columns: [
      ("distinct_id", .fixed(nullable("string"))), ("mp_reserved_created", .fixed(dateTime)),
      ("mp_reserved_email", .property(.string)), ("mp_reserved_name", .property(.string)),
      ("mp_reserved_last_seen", .fixed(dateTime)), ("mp_reserved_city", .property(.string)),
      ("mp_reserved_region", .property(.string)), ("mp_reserved_country_code", .property(.string)),
      ("mp_reserved_timezone", .property(.string)),
    ],
    datetimeColumns: ["mp_reserved_created", "mp_reserved_last_seen"])

  static let cohorts = SingerStreamSpec(
    name: StreamName.cohorts.name, keyProperties: ["id"], replication: .fullTable, replicationKey: nil,
    columns: [
      ("id", .fixed(nullable("integer"))), ("name", .fixed(nullable("string"))),
      ("description", .fixed(nullable("string"))), ("created", .fixed(dateTime)),
      ("count", .fixed(nullable("integer"))), ("is_visible", .fixed(nullable("integer"))),
      ("project_id", .fixed(nullable("integer"))), ("data_group_id", .property(.string)),
    ],
    datetimeColumns: ["created"])

  static let cohortMembers = SingerStreamSpec(
    name: StreamName.cohortMembers.name, keyProperties: ["cohort_id", "distinct_id"], replication: .fullTable,
    replicationKey: nil,
    columns: [("cohort_id", .fixed(nullable("integer"))), ("distinct_id", .fixed(nullable("string")))],
    datetimeColumns: [])

  /// One row per funnel per day, incremental by `datetime` (tap-mixpanel's keys and replication).
  static let funnels = SingerStreamSpec(
    name: StreamName.funnels.name, keyProperties: DailyStream.funnels.keyProperties,
    replication: .incremental,
    replicationKey: "datetime",
    columns: [
      ("funnel_id", .fixed(nullable("integer"))), ("name", .fixed(nullable("string"))),
      ("date", .fixed(nullable("string"))), ("datetime", .fixed(dateTime)),
      ("steps", .fixed(nullable("array"))),
      ("analysis", .fixed(nullable("object"))),
    ],
    datetimeColumns: ["datetime"])

  /// One row per day of the legacy revenue report, incremental by `datetime`.
  static let revenue = SingerStreamSpec(
    name: StreamName.revenue.name, keyProperties: DailyStream.revenue.keyProperties,
    replication: .incremental,
    replicationKey: "datetime",
    columns: [
      ("date", .fixed(nullable("string"))), ("datetime", .fixed(dateTime)),
      ("amount", .fixed(nullable("number"))),
      ("count", .fixed(nullable("integer"))), ("paid_count", .fixed(nullable("integer"))),
    ],
    datetimeColumns: ["datetime"])

  static let annotations = SingerStreamSpec(
    name: StreamName.annotations.name, keyProperties: ["date"], replication: .fullTable, replicationKey: nil,
    columns: [
      ("date", .fixed(dateTime)), ("project_id", .fixed(nullable("integer"))),
      ("id", .fixed(nullable("integer"))),
      ("description", .fixed(nullable("string"))), ("user", .fixed(nullable("object"))),
      ("tags", .fixed(nullable("array"))),
    ],
    datetimeColumns: ["date"])
}
