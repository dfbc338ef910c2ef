import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import NDJSON
import Testing

@Suite("_schema.json: merge rules, Spark's StructType JSON, DuckDB's columns")
struct StreamSchemaTests {
  typealias T = StreamSchema.ColumnType

  @Test(
    "a property's type: one kind keeps it, integers and fractions make double, any other pair makes mixed")
  func types() {
    #expect(T([.string]) == .string && T([.null]) == .string && T([]) == .string)
    #expect(
      T([.integer, .null]) == .long && T([.integer, .fraction]) == .double && T([.fraction]) == .double)
    #expect(T([.boolean]) == .boolean && T([.array]) == .array && T([.object]) == .object)
    #expect(T([.string, .integer]) == .mixed && T([.array, .object]) == .mixed)
    #expect(T.long.merged(with: .double) == .double && T.double.merged(with: .long) == .double)
    #expect(T.long.merged(with: .string) == .mixed && T.array.merged(with: .array) == .array)
    #expect(T.mixed.merged(with: .long) == .mixed)
    #expect(
      T.double.accepts([.integer]) && T.double.accepts([.fraction, .null]) && !T.long.accepts([.fraction]))
    #expect(
      T.mixed.accepts([.object, .string]) && T.string.accepts([.null]) && !T.string.accepts([.integer]))
  }

  @Test("merging never drops a property and only widens; the Spark JSON reads back to the same schema")
  func mergeAndRoundTrip() throws {
    let old = StreamSchema(flat: false, columns: ["a": .long, "b": .string, "gone": .boolean])
    let new = StreamSchema(flat: false, columns: ["a": .double, "b": .long, "c": .array])
    let merged = old.merged(with: new)
    #expect(merged.columns == ["a": .double, "b": .mixed, "c": .array, "gone": .boolean])
    let text = merged.sparkJSON.bytes
    #expect(try StreamSchema(sparkJSON: try JSONNode(parsing: text)) == merged)
    let json = String(decoding: text, as: UTF8.self)
    #expect(json.hasPrefix(#"{"type":"struct","fields":[{"name":"event","type":"string""#), "\(json)")
    #expect(
      json.contains(#"{"name":"properties","type":{"type":"struct","fields":[{"name":"a","type":"double""#))
    #expect(json.contains(#""type":{"type":"array","elementType":"string","containsNull":true}"#))
    let flat = StreamSchema(flat: true, columns: ["mp_reserved_city": .string, "seats": .long])
    #expect(try StreamSchema(sparkJSON: try JSONNode(parsing: flat.sparkJSON.bytes)) == flat)
    #expect(
      flat.duckDBColumns
        == "{'event': 'VARCHAR', 'time': 'VARCHAR', 'mp_reserved_city': 'VARCHAR', 'seats': 'BIGINT'}")
    #expect(
      StreamSchema(flat: false, columns: ["it's \"x\"": .double]).duckDBColumns
        == #"{'event': 'VARCHAR', 'properties': 'STRUCT("it''s ""x""" DOUBLE)'}"#)
  }

  @Test(
    "from a tally: escaped keys decoded; flat records rename properties, drop time and keep what the catalog keeps"
  )
  func fromTally() throws {
    let tally = PropertyTypeTally()
    let line = #"{"event":"e","properties":{"time":1,"$city":"x","a\"b":2,"day":"Mon","drop":1}}"#
    _ = try Array(line.utf8).withUnsafeBytes { try JSONLineScanner.scan($0, tally: tally) }
    #expect(
      StreamSchema(flat: false, tally: tally).columns
        == ["time": .long, "$city": .string, #"a"b"#: .long, "day": .string, "drop": .long])
    #expect(
      StreamSchema(flat: true, tally: tally, keep: { $0 != "drop" }).columns
        == ["mp_reserved_city": .string, #"a"b"#: .long, "property_day": .string])
  }
}

@Suite("_schema.json end to end: written with the commits, checked by verify, loaded by DuckDB and Spark")
struct SchemaEndToEndTests {
  static let first = Fixture.today.advanced(by: -6)
  static let last = Fixture.today.advanced(by: -1)

  static func export(_ lake: String, project: FakeProject, extra: [String: JSONNode] = [:]) async throws {
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      var keys = extra
      keys["date_window_size"] = .integer(2)
      _ = try await Fixture.run(
        Fixture.config(lake: lake, server: server, start: "\(first)", end: "\(last)", extra: keys))
    }
  }

  @Test(
    "an export writes export/_schema.json covering every line; schema --duckdb loads the lake with typed columns and the truth's rows; verify flags a narrowed schema"
  )
  func duckDBAndVerify() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let project = FakeProject(seed: 31, eventsPerDay: 200, today: Fixture.today)
    try await Self.export(lake, project: project)
    let schema = try #require(try SchemaStore.read(lake: lake, stream: "export"))
    #expect(!schema.flat && schema.columns["time"] == .long && schema.columns["$insert_id"] == .string)
    #expect(schema.columns.values.contains(.double) && schema.columns.values.contains(.array))
    let expression = try await CLIProcess.run(["schema", "--lake", lake, "--duckdb"])
    #expect(expression.status == 0, "\(expression.stderr)")
    let rows = try DuckDB.query(
      """
      SELECT count(*), count(DISTINCT properties."$insert_id"), count(properties.time),
        typeof(any_value(properties.time)) FROM \(expression.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
      """)
    let truth = project.truth(from: Self.first, to: Self.last).total
    #expect(rows.first?.map { "\($0)" } == ["\(truth)", "\(truth)", "\(truth)", "BIGINT"], "\(rows)")
    let spark = try await CLIProcess.run(["schema", "--lake", lake])
    #expect(spark.stdout.contains("spark.read.schema(StructType.fromJson(json.load(open('"))
    // A schema narrower than the data: verify names the property.
    var narrowed = schema
    narrowed.columns["time"] = .string
    narrowed.columns["$insert_id"] = nil
    try FileSystem.writeAtomically(narrowed.sparkJSON.bytes, to: "\(lake)/export/_schema.json")
    let config = try VerifyFixtureConfig.write(lake: lake, dir: dir.path)
    let verify = try await CLIProcess.run(["verify", "--config", config, "--skip-counts", "--quiet"])
    #expect(verify.status == 1, "\(verify.stdout)\(verify.stderr)")
    #expect(verify.stdout.contains("property 'time' holds long values; export/_schema.json says string"))
    #expect(verify.stdout.contains("property '$insert_id' is not in export/_schema.json"))
  }

  @Test(
    "Spark (PySpark, FAILFAST) loads the lake with _schema.json and no inference: rows and ids equal the truth"
  )
  func spark() async throws {
    let python = NSHomeDirectory() + "/.local/share/mixpanel-lake/spark-venv/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python),
      FileManager.default.isExecutableFile(atPath: "/usr/bin/java")
        || ProcessInfo.processInfo.environment["JAVA_HOME"] != nil
    else {
      print("skipped: Spark needs Java and the PySpark venv .ci/setup makes")
      return
    }
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let project = FakeProject(seed: 32, eventsPerDay: 150, today: Fixture.today)
    try await Self.export(lake, project: project)
    let script = """
      import json, sys
      from pyspark.sql import SparkSession, functions as F
      from pyspark.sql.types import StructType
      spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
      schema = StructType.fromJson(json.load(open(sys.argv[1] + "/export/_schema.json")))
      df = spark.read.schema(schema).option("mode", "FAILFAST").json(sys.argv[1] + "/export")
      # Every column is parsed (FAILFAST fails on a value its type does not take).
      row = df.select(F.count(F.lit(1)), F.countDistinct("properties.`$insert_id`"),
        F.sum(F.hash(*[F.col("properties." + "`" + f.name + "`") for f in schema["properties"].dataType.fields])),
        F.count("properties.time")).collect()[0]
      print(json.dumps([row[0], row[1], row[3], str(df.schema["day"].dataType)]))
      """
    try script.write(toFile: "\(dir.path)/read.py", atomically: true, encoding: .utf8)
    _ = try await SingerTargetTests.shell(
      "'\(python)' '\(dir.path)/read.py' '\(lake)' >'\(dir.path)/spark.out' 2>'\(dir.path)/spark.err'")
    let output = (try? String(contentsOfFile: "\(dir.path)/spark.out", encoding: .utf8)) ?? ""
    let truth = project.truth(from: Self.first, to: Self.last).total
    #expect(
      output.trimmingCharacters(in: .whitespacesAndNewlines)
        == "[\(truth), \(truth), \(truth), \"DateType()\"]",
      "\(output) \((try? String(contentsOfFile: "\(dir.path)/spark.err", encoding: .utf8).suffix(2_000)) ?? "")"
    )
  }
}

@Suite("_schema.json of the Query streams: every table and daily stream has one DuckDB loads")
struct TableSchemaTests {
  @Test(
    "engage, cohorts, annotations, funnels and revenue each get <stream>/_schema.json with their rows' columns; schema --stream S --duckdb reads every row"
  )
  func tables() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let project = FakeProject(seed: 33, eventsPerDay: 50, today: Fixture.today, profiles: 40)
    var counts: [String: Int] = [:]
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let tables = try await StreamsFixture.run(
        StreamsFixture.config(lake: lake, server: server, streams: ["engage", "cohorts", "annotations"]))
      for table in tables.streams { counts[table.stream] = table.rows }
      let daily = try await DailyFixture.run(
        DailyFixture.config(lake: lake, server: server, start: "\(Fixture.today.advanced(by: -8))"))
      for stream in daily.streams { counts[stream.stream] = stream.rows }
    }
    for stream in ["engage", "cohorts", "annotations", "funnels", "revenue"] {
      let schema = try #require(try SchemaStore.read(lake: lake, stream: stream), "\(stream)")
      #expect(schema.table && !schema.columns.isEmpty, "\(stream)")
      let expression = try await CLIProcess.run(["schema", "--lake", lake, "--stream", stream, "--duckdb"])
      #expect(expression.status == 0, "\(expression.stderr)")
      let rows = try DuckDB.query(
        "SELECT count(*) FROM \(expression.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
      #expect(rows.first?.first as? String == "\(counts[stream] ?? -1)", "\(stream): \(rows)")
    }
    var engage = try #require(try SchemaStore.read(lake: lake, stream: "engage"))
    #expect(engage.columns["distinct_id"] == .string, "\(engage.columns)")
    // verify checks every row against its stream's schema: all fit, until one is narrowed.
    let config = try VerifyFixtureConfig.write(lake: lake, dir: dir.path)
    let fits = try await CLIProcess.run(["verify", "--config", config, "--skip-counts", "--quiet"])
    #expect(fits.status == 0, "\(fits.stdout)\(fits.stderr)")
    engage.columns["distinct_id"] = .long
    try FileSystem.writeAtomically(engage.sparkJSON.bytes, to: "\(lake)/engage/_schema.json")
    let narrowed = try await CLIProcess.run(["verify", "--config", config, "--skip-counts", "--quiet"])
    #expect(narrowed.status == 1)
    #expect(
      narrowed.stdout.contains("column 'distinct_id' holds string values; engage/_schema.json says long"),
      "\(narrowed.stdout)")
  }

  @Test(
    "flat records: the schema lists the columns as written (renamed, time as text), and verify checks them")
  func flat() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let project = FakeProject(seed: 34, eventsPerDay: 100, today: Fixture.today)
    try await SchemaEndToEndTests.export(lake, project: project, extra: ["record_format": .string("flat")])
    var schema = try #require(try SchemaStore.read(lake: lake, stream: "export"))
    #expect(schema.flat && !schema.table && schema.columns["mp_reserved_insert_id"] == .string)
    #expect(schema.columns["time"] == nil && schema.columns["$insert_id"] == nil)
    let expression = try await CLIProcess.run(["schema", "--lake", lake, "--duckdb"])
    let rows = try DuckDB.query(
      "SELECT count(DISTINCT mp_reserved_insert_id), typeof(any_value(time)) FROM \(expression.stdout.trimmingCharacters(in: .whitespacesAndNewlines))"
    )
    let truth = project.truth(from: SchemaEndToEndTests.first, to: SchemaEndToEndTests.last).total
    #expect(rows.first?.map { "\($0)" } == ["\(truth)", "VARCHAR"], "\(rows)")
    let config = try VerifyFixtureConfig.write(lake: lake, dir: dir.path)
    let fits = try await CLIProcess.run(["verify", "--config", config, "--skip-counts", "--quiet"])
    #expect(fits.status == 0, "\(fits.stdout)\(fits.stderr)")
    schema.columns["mp_reserved_insert_id"] = nil
    try FileSystem.writeAtomically(schema.sparkJSON.bytes, to: "\(lake)/export/_schema.json")
    let narrowed = try await CLIProcess.run(["verify", "--config", config, "--skip-counts", "--quiet"])
    #expect(
      narrowed.status == 1
        && narrowed.stdout.contains("column 'mp_reserved_insert_id' is not in export/_schema.json"))
  }
}

/// A config file for `verify` on a lake (no server: --skip-counts).
enum VerifyFixtureConfig {
  static func write(lake: String, dir: String) throws -> String {
    let path = "\(dir)/verify.json"
    try #"{"api_secret": "unused", "start_date": "2024-01-01", "lake": "\#(lake)"}"#
      .write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}
