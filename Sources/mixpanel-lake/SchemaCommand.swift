import ArgumentParser
import CommandLineSupport
import Foundation
import Lake
import MixpanelLake

struct SchemaCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schema",
    abstract: "Print how Spark or DuckDB load a stream with its _schema.json (no inference).",
    discussion: """
      Reads <lake>/<stream>/_schema.json, which every run keeps a superset of the committed \
      lines' columns and types. Without --duckdb: the file's path and a PySpark line that loads \
      the lake with it. With --duckdb: a DuckDB read_json(...) expression with every column \
      typed, to paste into a query. Exit codes: 0 printed, 2 usage (no lake, no schema yet), \
      4 an unreadable schema.
      """)

  @Option(name: .long, help: "The lake directory (default: ./lake).")
  var lake: String = "./lake"

  @Option(name: .long, help: "The stream (default: export).")
  var stream: String = StreamName.export.name

  @Flag(name: .long, help: "Print a DuckDB read_json(...) expression instead.")
  var duckdb = false

  func validate() throws {
    guard StreamName(rawValue: stream) != nil else {
      throw ValidationError(
        "unknown stream '\(stream)'; expected one of \(StreamName.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
  }

  func run() async throws {
    do {
      guard let schema = try SchemaStore.read(lake: lake, stream: stream) else {
        throw ConfigError.invalid(
          "--lake", "no \(LakeLayout.schema(stream: stream)) in \(lake): run an export into it first")
      }
      let root = (lake as NSString).standardizingPath
      let folder = "\(root)/\(stream)"
      if duckdb {
        // Day or snapshot folders are hive partitions; a replaced table's parts sit in the stream folder.
        let partitioned = ((try? FileSystem.list(folder)) ?? []).contains {
          LakeLayout.parseFolder($0).key != nil
        }
        let pattern = "\(folder)/\(partitioned ? "*/" : "")*\(Self.partExtension(folder))"
        print(
          "read_json('\(pattern.replacingOccurrences(of: "'", with: "''"))', format = 'newline_delimited', "
            + "hive_partitioning = \(partitioned), columns = \(schema.duckDBColumns))")
      } else {
        let path = "\(root)/\(LakeLayout.schema(stream: stream))"
        print(
          "schema: \(path) (\(schema.columns.count) \(schema.flat || schema.table ? "columns" : "properties"))"
        )
        print(
          "spark.read.schema(StructType.fromJson(json.load(open(\(Self.python(path)))))).json(\(Self.python(folder)))"
        )
      }
    } catch {
      throw ExitStatus.fail(error)
    }
  }

  /// `.jsonl.zst` or `.jsonl.gz`, from the first manifest (the stream's, or a partition's) that
  /// lists a file.
  static func partExtension(_ folder: String) -> String {
    let partitions = ((try? FileSystem.list(folder)) ?? []).filter { !LakeLayout.isHidden($0) }.sorted()
    for directory in [folder] + partitions.map({ "\(folder)/\($0)" }) {
      if let file = (try? ManifestStore.read(directory: directory))??.files.first {
        return file.path.hasSuffix(".gz") ? ".jsonl.gz" : ".jsonl.zst"
      }
    }
    return ".jsonl.zst"
  }

  static func python(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
  }
}
