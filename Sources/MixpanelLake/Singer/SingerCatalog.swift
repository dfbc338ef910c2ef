public import MixpanelAPI

/// A Singer catalog: what `--discover` prints, and what `--catalog`/`--properties` select.
///
/// A stream is selected by `selected: true` on its empty breadcrumb (Singer's older
/// `schema.selected` is honoured too). A column is dropped when its `["properties", name]`
/// breadcrumb says `selected: false` (or, without `selected`, `selected-by-default: false`),
/// unless it is automatic (a key or the replication key).
public struct SingerCatalog: Sendable, Equatable {
  public struct Selection: Sendable, Equatable {
    public var stream: String
    /// Columns the catalog lists and keeps.
    public var declared: [String]
    /// Columns the catalog deselects.
    public var deselected: Set<String>
    /// The JSON Schema the catalog gives each column it declares.
    public var types: [String: JSONNode] = [:]
  }

  /// Selected streams in the order the catalog lists them.
  public var selections: [Selection]
  /// Made by ``defaults(streams:)``, not given by the user: it lists only the static columns,
  /// so properties it does not list are kept unless the config says otherwise.
  public private(set) var isDefault = false

  public init(selections: [Selection]) {
    self.selections = selections
  }

  /// The selection a run without a catalog makes: the config's `streams`, every column.
  public static func defaults(streams: [StreamName]) -> SingerCatalog {
    var catalog = SingerCatalog(
      selections: SingerStreamSpec.all.filter { spec in streams.contains { $0.name == spec.name } }.map {
        Selection(stream: $0.name, declared: $0.columns.map(\.name), deselected: [])
      })
    catalog.isDefault = true
    return catalog
  }

  /// Reads the selection from catalog JSON text; streams the tap does not know are ignored.
  public static func parse(_ bytes: [UInt8]) throws -> SingerCatalog {
    let root: JSONNode
    do {
      root = try JSONNode(parsing: bytes)
    } catch {
      throw SingerError.catalog("the catalog is not JSON: \(error)")
    }
    guard let streams = root["streams"]?.arrayValue else {
      throw SingerError.catalog("the catalog has no \"streams\" list")
    }
    var selections: [Selection] = []
    for entry in streams {
      guard let name = entry["tap_stream_id"]?.stringValue ?? entry["stream"]?.stringValue else {
        throw SingerError.catalog("a catalog stream has neither tap_stream_id nor stream")
      }
      guard let spec = SingerStreamSpec.named(name) else { continue }
      var streamSelected = entry["schema"]?["selected"].flatMap(Self.bool) ?? false
      let schemaColumns = entry["schema"]?["properties"]?.objectValue ?? []
      var declared = schemaColumns.map(\.key)
      var deselected = Set<String>()
      for item in entry["metadata"]?.arrayValue ?? [] {
        let breadcrumb = (item["breadcrumb"]?.arrayValue ?? []).compactMap(\.stringValue)
        let metadata = item["metadata"]
        let selected = metadata?["selected"].flatMap(Self.bool)
        let byDefault = metadata?["selected-by-default"].flatMap(Self.bool)
        if breadcrumb.isEmpty {
          if let selected { streamSelected = selected }
        } else if breadcrumb.count == 2, breadcrumb[0] == "properties" {
          let column = breadcrumb[1]
          if !declared.contains(column) { declared.append(column) }
          let automatic =
            metadata?["inclusion"]?.stringValue == "automatic" || spec.automaticColumns.contains(column)
          if !automatic, (selected ?? byDefault ?? true) == false { deselected.insert(column) }
        }
      }
      guard streamSelected else { continue }
      declared.removeAll { deselected.contains($0) }
      selections.append(
        Selection(
          stream: name, declared: declared, deselected: deselected,
          types: Dictionary(schemaColumns.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        ))
    }
    return SingerCatalog(selections: selections)
  }

  private static func bool(_ node: JSONNode) -> Bool? {
    switch node {
    case .bool(let flag): return flag
    case .string(let text):
      return text.lowercased() == "true" ? true : text.lowercased() == "false" ? false : nil
    default: return nil
    }
  }

  /// The `--discover` output: every stream the tap can sync, those in `selectedStreams` marked
  /// selected, one line of JSON.
  public static func discover(
    selectedStreams: [StreamName], exportKey: Bool = false, nested: Bool = false, stringTypes: Bool = false
  ) -> [UInt8] {
    let streams = SingerStreamSpec.specs(exportKey: exportKey, nested: nested).map { spec -> JSONNode in
      let selected = selectedStreams.contains { $0.name == spec.name }
      var streamMetadata: [(key: String, value: JSONNode)] = [
        ("selected", .bool(selected)), ("selected-by-default", .bool(spec.name == StreamName.export.name)),
        ("inclusion", .string("available")),
        ("table-key-properties", .array(spec.keyProperties.map { .string($0) })),
        ("forced-replication-method", .string(spec.replication.rawValue)),
        ("valid-replication-keys", .array((spec.replicationKey.map { [$0] } ?? []).map { .string($0) })),
      ]
      if let key = spec.replicationKey { streamMetadata.append(("replication-key", .string(key))) }
      var metadata: [JSONNode] = [
        .object([("breadcrumb", .array([])), ("metadata", .object(streamMetadata))])
      ]
      for column in spec.columns {
        let automatic = spec.automaticColumns.contains(column.name)
        metadata.append(
          .object([
            ("breadcrumb", .array([.string("properties"), .string(column.name)])),
            (
              "metadata",
              .object([
                ("inclusion", .string(automatic ? "automatic" : "available")),
                ("selected-by-default", .bool(true)), ("selected", .bool(true)),
              ])
            ),
          ]))
      }
      return .object([
        ("tap_stream_id", .string(spec.name)), ("stream", .string(spec.name)),
        ("schema", SingerSchema.base(spec, declared: spec.columns.map(\.name), stringTypes: stringTypes)),
        ("key_properties", .array(spec.keyProperties.map { .string($0) })),
        ("metadata", .array(metadata)),
      ])
    }
    return JSONNode.object([("streams", .array(streams))]).bytes + [0x0A]
  }
}

/// Why the tap cannot start: a bad catalog or state file.
public struct SingerError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public var description: String { message }

  static func catalog(_ message: String) -> SingerError { SingerError(message: message) }
  static func state(_ message: String) -> SingerError { SingerError(message: message) }
}
