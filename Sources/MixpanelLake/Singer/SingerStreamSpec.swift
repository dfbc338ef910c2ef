public import MixpanelAPI

/// What the tap knows about one Singer stream before it reads any data: its keys, how it
/// replicates, the columns it always has (with their JSON Schema types) and which of them hold
/// datetimes to be written as ISO-8601 UTC.
///
/// Every stream's schema is permissive: known columns accept `null`, and columns first seen in
/// the data (Mixpanel's properties are dynamic) are declared with ``anyType`` in a SCHEMA
/// message sent before the first record that has them, with `additionalProperties: true`.
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
  public let columns: [(name: String, type: JSONNode)]
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
    columns: [("event", nullable("string")), ("properties", nullable("object"))], datetimeColumns: [])

  /// What Mixpanel itself deduplicates events on (`event`, `distinct_id`, `time`, `$insert_id`),
  /// as flat columns: declared as export's `key_properties` with `export_key: true`, so that
  /// merging targets upsert the attribution window each run sends again instead of appending it.
  public static let exportKeyProperties = ["event", "distinct_id", "time", "mp_reserved_insert_id"]

  /// Any JSON value: the type of a column first seen in the data.
  /// A nullable string: what `singer_types: tap` declares instead of ``anyType``.
  public static let stringType = nullable("string")

  /// The type of Mixpanel's dynamic properties: ``anyType``, or ``stringType`` with
  /// `singer_types: tap`.
  static func dynamicType(stringTypes: Bool) -> JSONNode { stringTypes ? stringType : anyType }

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
      ("event", nullable("string")), ("time", dateTime), ("distinct_id", anyType),
      ("mp_reserved_insert_id", anyType), ("mp_reserved_mp_api_endpoint", anyType),
      ("mp_reserved_mp_api_timestamp_ms", anyType), ("mp_processing_time_ms", anyType),
      ("mp_lib", anyType), ("mp_reserved_browser", anyType), ("mp_reserved_os", anyType),
      ("mp_reserved_city", anyType), ("mp_reserved_region", anyType), ("mp_country_code", anyType),
      ("mp_reserved_current_url", anyType), ("mp_reserved_device_id", anyType),
      ("mp_reserved_user_id", anyType),
      // In tap-mixpanel's export schema too, so tables it built line up.
      ("dataset", anyType), ("labels", anyType), ("sampling_factor", anyType),
    ],
    datetimeColumns: ["time"])

  static let engage = SingerStreamSpec(
    name: StreamName.engage.name, keyProperties: ["distinct_id"], replication: .fullTable,
    replicationKey: nil,
    columns: [
      ("distinct_id", nullable("string")), ("mp_reserved_created", dateTime),
      ("mp_reserved_email", anyType), ("mp_reserved_name", anyType), ("mp_reserved_last_seen", dateTime),
      ("mp_reserved_city", anyType), ("mp_reserved_region", anyType), ("mp_reserved_country_code", anyType),
      ("mp_reserved_timezone", anyType),
    ],
    datetimeColumns: ["mp_reserved_created", "mp_reserved_last_seen"])

  static let cohorts = SingerStreamSpec(
    name: StreamName.cohorts.name, keyProperties: ["id"], replication: .fullTable, replicationKey: nil,
    columns: [
      ("id", nullable("integer")), ("name", nullable("string")), ("description", nullable("string")),
      ("created", dateTime), ("count", nullable("integer")), ("is_visible", anyType),
      ("project_id", nullable("integer")), ("data_group_id", anyType),
    ],
    datetimeColumns: ["created"])

  static let cohortMembers = SingerStreamSpec(
    name: StreamName.cohortMembers.name, keyProperties: ["cohort_id", "distinct_id"], replication: .fullTable,
    replicationKey: nil,
    columns: [("cohort_id", nullable("integer")), ("distinct_id", nullable("string"))],
    datetimeColumns: [])

  /// One row per funnel per day, incremental by `datetime` (tap-mixpanel's keys and replication).
  static let funnels = SingerStreamSpec(
    name: StreamName.funnels.name, keyProperties: DailyStream.funnels.keyProperties,
    replication: .incremental,
    replicationKey: "datetime",
    columns: [
      ("funnel_id", nullable("integer")), ("name", nullable("string")), ("date", nullable("string")),
      ("datetime", dateTime), ("steps", anyType), ("analysis", anyType),
    ],
    datetimeColumns: ["datetime"])

  /// One row per day of the legacy revenue report, incremental by `datetime`.
  static let revenue = SingerStreamSpec(
    name: StreamName.revenue.name, keyProperties: DailyStream.revenue.keyProperties,
    replication: .incremental,
    replicationKey: "datetime",
    columns: [
      ("date", nullable("string")), ("datetime", dateTime), ("amount", nullable("number")),
      ("count", nullable("integer")), ("paid_count", nullable("integer")),
    ],
    datetimeColumns: ["datetime"])

  static let annotations = SingerStreamSpec(
    name: StreamName.annotations.name, keyProperties: ["date"], replication: .fullTable, replicationKey: nil,
    columns: [
      ("date", dateTime), ("project_id", anyType), ("id", anyType), ("description", anyType),
      ("user", anyType), ("tags", anyType),
    ],
    datetimeColumns: ["date"])
}
