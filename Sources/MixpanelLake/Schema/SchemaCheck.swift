import NDJSON

/// `verify`'s check of a partition's lines against `_schema.json`: every property its lines
/// hold must be in the schema, at a type that fits every value it held.
enum SchemaCheck {
  static func problems(_ seen: PropertyTypeTally, schema: StreamSchema, location: String) -> [VerifyProblem] {
    var problems: [VerifyProblem] = []
    for (key, types) in seen.keysAndTypes {
      guard let name = StreamSchema.decode(key) else { continue }
      guard let declared = schema.columns[name] else {
        problems.append(
          VerifyProblem(
            .error, .schemaMismatch, at: location,
            "property '\(name)' is not in export/_schema.json; Spark and DuckDB would drop it"))
        continue
      }
      if !declared.accepts(types) {
        problems.append(
          VerifyProblem(
            .error, .schemaMismatch, at: location,
            "property '\(name)' holds \(StreamSchema.ColumnType(types).rawValue) values; export/_schema.json "
              + "says \(declared.rawValue), so Spark and DuckDB would read them as null"))
      }
    }
    return problems
  }
}
