import Foundation
import MixpanelLake

/// `export --catalog`: the streams a Singer catalog selects, and the export columns it keeps.
enum CatalogSelection {
  static func apply(catalogPath: String, to config: LakeConfig) throws -> LakeConfig {
    guard let data = FileManager.default.contents(atPath: catalogPath) else {
      throw ConfigError.file("cannot read catalog \(catalogPath): check the path given to --catalog")
    }
    let catalog: SingerCatalog
    do {
      catalog = try SingerCatalog.parse(Array(data))
    } catch {
      throw ConfigError.file("catalog \(catalogPath): \(error)")
    }
    var config = config
    config.streams = catalog.selections.compactMap { StreamName(rawValue: $0.stream) }
    guard !config.streams.isEmpty else {
      throw ConfigError.file("catalog \(catalogPath) selects no stream: set \"selected\": true on one")
    }
    if let export = catalog.selections.first(where: { $0.stream == StreamName.export.name }) {
      config.exportColumns = ColumnSelection(
        deselected: export.deselected,
        declared: (config.selectPropertiesByDefault ?? true) ? nil : export.declared)
    }
    return config
  }
}
