import Lake
import NDJSON

/// `verify`'s check of a partition's lines against its stream's `_schema.json`: every property
/// (raw export) or column (flat export, a Query stream's rows) its lines hold must be in the
/// schema, at a type that fits every value it held.
enum SchemaCheck {
  static func problems(_ seen: PropertyTypeTally, schema: StreamSchema, partition: LakePartition)
    -> [VerifyProblem]
  {
    var problems: [VerifyProblem] = []
    let file = LakeLayout.schema(stream: partition.stream)
    let location = partition.relativePath
    for (key, types) in seen.keysAndTypes {
      guard let name = StreamSchema.decode(key) else { continue }
      // A flat record's own fixed columns.
      if schema.flat, !schema.table, name == "event" || name == "time" {
        if !StreamSchema.ColumnType.string.accepts(types) {
          problems.append(
            VerifyProblem(
              .error, .schemaMismatch, at: location, "column '\(name)' holds values that are not text"))
        }
        continue
      }
      guard let declared = schema.columns[name] else {
        problems.append(
          VerifyProblem(
            .error, .schemaMismatch, at: location,
            "\(schema.flat ? "column" : "property") '\(name)' is not in \(file); Spark and DuckDB would drop it"
          ))
        continue
      }
      if !declared.accepts(types) {
        problems.append(
          VerifyProblem(
            .error, .schemaMismatch, at: location,
            "\(schema.flat ? "column" : "property") '\(name)' holds \(StreamSchema.ColumnType(types).rawValue) values; "
              + "\(file) says \(declared.rawValue), so Spark and DuckDB would read them as null"))
      }
    }
    return problems
  }
}
