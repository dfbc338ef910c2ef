public import Logging
import MixpanelAPI

/// `--discover` with the project's own properties: the static catalog of
/// ``SingerCatalog/discover(selectedStreams:)`` with the properties Mixpanel reports
/// (`events/properties/top` for `export`, `engage/properties` for `engage`, §10.2/§10.4) added
/// to those streams' schemas.
///
/// Discovered columns use the flat names records carry (`$x` → `mp_reserved_x`), accept any JSON
/// value, are `inclusion: available`, and are selected when `select_properties_by_default` is
/// true. Columns the static schema already has keep their static type and metadata.
public enum SingerDiscovery {
  /// Discovered property names per stream name, as Mixpanel sends them.
  public typealias Discovered = [String: [String]]

  /// The catalog for `config`. Wrong or insufficient credentials (401, 403) throw: a catalog
  /// would only hide them until the first sync. Any other API error (a plan without the
  /// properties API, a 5xx, the network) gives the static catalog and a warning.
  public static func catalog(config: LakeConfig, logger: Logger) async throws -> [UInt8] {
    let base = SingerCatalog.discover(
      selectedStreams: config.streams, exportKey: config.exportKey, nested: !config.denestProperties,
      stringTypes: config.singerStringTypes)
    do {
      let discovered = try await MixpanelClient.withClient(
        configuration: config.clientConfiguration, logger: logger
      ) { client in
        var found = try await fetch(client)
        // Nested export records have one `properties` object, not a column per property.
        if !config.denestProperties { found[StreamName.export.name] = nil }
        return found
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

  /// Asks Mixpanel for the event and profile properties.
  static func fetch(_ client: MixpanelClient) async throws -> Discovered {
    let events = try await client.topEventProperties(event: nil, limit: 2_000).map(\.name)
    let profiles = try await client.engageProperties(limit: 2_000).map(\.name)
    return [StreamName.export.name: events, StreamName.engage.name: profiles]
  }

  /// The column name a property gets in records.
  public static func columnName(_ property: String) -> String {
    property.hasPrefix("$") ? "mp_reserved_" + property.dropFirst() : property
  }

  /// `catalog` (``SingerCatalog/discover(selectedStreams:)`` output) with `discovered` added,
  /// typed as ``SingerStreamSpec/dynamicType(stringTypes:)``.
  public static func augment(
    _ catalog: [UInt8], with discovered: Discovered, selectByDefault: Bool, stringTypes: Bool = false
  ) -> [UInt8] {
    guard let root = try? JSONNode(parsing: catalog), let streams = root["streams"]?.arrayValue else {
      return catalog
    }
    let updated = streams.map { stream -> JSONNode in
      guard let name = stream["tap_stream_id"]?.stringValue, let properties = discovered[name] else {
        return stream
      }
      return augment(
        stream: stream, properties: properties, selectByDefault: selectByDefault,
        type: SingerStreamSpec.dynamicType(stringTypes: stringTypes))
    }
    return JSONNode.object([("streams", .array(updated))]).bytes + [0x0A]
  }

  static func augment(stream: JSONNode, properties: [String], selectByDefault: Bool, type: JSONNode)
    -> JSONNode
  {
    guard let schema = stream["schema"], var columns = schema["properties"]?.objectValue,
      var metadata = stream["metadata"]?.arrayValue
    else { return stream }
    for property in properties {
      let column = columnName(property)
      guard !column.isEmpty, !columns.contains(where: { $0.key == column }) else { continue }
      columns.append((column, type))
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
