import CalendarDay
public import Foundation
public import Logging
import MixpanelAPI
import NDJSON

/// `--discover` with the project's own properties: the static catalog of
/// ``SingerCatalog/discover(selectedStreams:)`` with the properties Mixpanel reports
/// (`events/properties/top` for `export`, `engage/properties` for `engage`, §10.2/§10.4) added
/// to those streams' schemas, each with one type (``PropertyType``).
///
/// Profile properties come typed by `engage/properties`. Event properties come untyped, and
/// asking each one's top values would cost a Query request per property (60 an hour), so their
/// types are read from a sample instead: one export request for yesterday, at most
/// ``sampleEvents`` events (of `export_events`/`export_where` when set), each property typed by
/// its values there (two types make a string). A property the sample does not show is a string.
///
/// Discovered columns use the names records carry (`$x` → `mp_reserved_x`, and for export
/// ``FlatRecord/columnName(_:)``), are `inclusion: available`, and are selected when
/// `select_properties_by_default` is true. Columns the static schema already has keep their
/// static type and metadata.
public enum SingerDiscovery {
  /// One discovered column: its name in records and its type.
  public typealias Column = (name: String, type: PropertyType)
  /// Discovered columns per stream name.
  public typealias Discovered = [String: [Column]]

  /// The most events the type sample asks for.
  public static let sampleEvents = 2_000

  /// The catalog for `config`. Wrong or insufficient credentials (401, 403) throw: a catalog
  /// would only hide them until the first sync. Any other API error (a plan without the
  /// properties API, a 5xx, the network) gives the static catalog and a warning.
  public static func catalog(config: LakeConfig, logger: Logger, now: Date = Date()) async throws -> [UInt8] {
    let base = SingerCatalog.discover(
      selectedStreams: config.streams, exportKey: config.exportKey, nested: !config.denestProperties,
      stringTypes: config.singerStringTypes)
    do {
      let discovered = try await MixpanelClient.withClient(
        configuration: config.clientConfiguration, logger: logger
      ) { client in
        try await fetch(client, config: config, logger: logger, now: now)
      }
      return augment(
        base, with: discovered, selectByDefault: config.selectPropertiesByDefault ?? true,
        stringTypes: config.singerStringTypes)
    } catch let error as MixpanelAPIError where error.kind == .unauthorized || error.kind == .forbidden {
      throw error
    } catch {
      logger.warning(
        "discover.properties_unavailable",
        metadata: ["error": "\(error)", "fallback": "static catalog"])
      return base
    }
  }

  /// Asks Mixpanel for the event and profile properties and their types.
  static func fetch(_ client: MixpanelClient, config: LakeConfig, logger: Logger, now: Date) async throws
    -> Discovered
  {
    var found: Discovered = [:]
    // Nested export records have one `properties` object, not a column per property.
    if config.denestProperties {
      let names = try await client.topEventProperties(event: nil, limit: 2_000).map(\.name)
      let sampled = await sampleTypes(client, config: config, logger: logger, now: now)
      var columns: [Column] = names.map { (FlatRecord.columnName($0), sampled[$0] ?? .string) }
      // Properties the sample shows beyond the top list are real columns too.
      for (name, type) in sampled.sorted(by: { $0.key < $1.key }) where !names.contains(name) {
        columns.append((FlatRecord.columnName(name), type))
      }
      found[StreamName.export.name] = columns
    }
    found[StreamName.engage.name] = try await client.engageProperties(limit: 2_000).map {
      (columnName($0.name), PropertyType(engageType: $0.type))
    }
    return found
  }

  /// Each property's type over a sample of yesterday's events; empty when the sample cannot be
  /// had (the error is logged: the columns are then strings, never a failed discovery).
  static func sampleTypes(_ client: MixpanelClient, config: LakeConfig, logger: Logger, now: Date) async
    -> [String: PropertyType]
  {
    let yesterday = Planner.today(now: now, zone: config.projectZone).adding(days: -1)
    let request = ExportRequest(
      fromDate: yesterday, toDate: yesterday, events: config.exportEvents,
      whereExpression: config.exportWhere, limit: sampleEvents)
    do {
      return propertyTypes(inExport: try await client.exportSample(request))
    } catch {
      logger.warning(
        "discover.type_sample_unavailable", metadata: ["error": "\(error)", "fallback": "string columns"])
      return [:]
    }
  }

  /// The type of each property of the events in `body` (export lines); lines that are not
  /// events are skipped.
  static func propertyTypes(inExport body: [UInt8]) -> [String: PropertyType] {
    var types: [String: PropertyType] = [:]
    for line in body.split(separator: 0x0A) {
      guard let event = try? JSONNode(parsing: Array(line)), let properties = event["properties"]?.objectValue
      else { continue }
      for (name, value) in properties {
        guard let type = PropertyType(value) else { continue }
        types[name] = types[name].map { $0.merged(with: type) } ?? type
      }
    }
    return types
  }

  /// The column a profile property gets in records.
  public static func columnName(_ property: String) -> String {
    property.hasPrefix("$") ? "mp_reserved_" + property.dropFirst() : property
  }

  /// `catalog` (``SingerCatalog/discover(selectedStreams:)`` output) with `discovered` added,
  /// each with its type (a string with `stringTypes`, `singer_types: tap`).
  public static func augment(
    _ catalog: [UInt8], with discovered: Discovered, selectByDefault: Bool, stringTypes: Bool = false
  ) -> [UInt8] {
    guard let root = try? JSONNode(parsing: catalog), let streams = root["streams"]?.arrayValue else {
      return catalog
    }
    let updated = streams.map { stream -> JSONNode in
      guard let name = stream["tap_stream_id"]?.stringValue, let columns = discovered[name] else {
        return stream
      }
      return augment(
        stream: stream, columns: columns.map { ($0.name, stringTypes ? .string : $0.type) },
        selectByDefault: selectByDefault)
    }
    return JSONNode.object([("streams", .array(updated))]).bytes + [0x0A]
  }

  static func augment(stream: JSONNode, columns discovered: [Column], selectByDefault: Bool) -> JSONNode {
    guard let schema = stream["schema"], var columns = schema["properties"]?.objectValue,
      var metadata = stream["metadata"]?.arrayValue
    else { return stream }
    for (column, type) in discovered {
      guard !column.isEmpty, !columns.contains(where: { $0.key == column }) else { continue }
      columns.append((column, type.jsonSchema))
      metadata.append(
        .object([
          ("breadcrumb", .array([.string("properties"), .string(column)])),
          (
            "metadata",
            .object([
              ("inclusion", .string("available")), ("selected-by-default", .bool(selectByDefault)),
              ("selected", .bool(selectByDefault)),
            ])
          ),
        ]))
    }
    return stream.replacing("schema", with: schema.replacing("properties", with: .object(columns)))
      .replacing("metadata", with: .array(metadata))
  }
}

extension JSONNode {
  /// This object with member `key` set to `value` (in place if present, else appended).
  fileprivate func replacing(_ key: String, with value: JSONNode) -> JSONNode {
    guard var members = self.objectValue else { return self }
    if let index = members.firstIndex(where: { $0.key == key }) {
      members[index].value = value
    } else {
      members.append((key, value))
    }
    return .object(members)
  }
}
