import Foundation
import Testing

@Suite("The docs name files that exist")
struct DocsPathTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// Every `` `…/Name.swift` `` a document names, as written.
  static func swiftPaths(in document: String) throws -> [String] {
    let text = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
    return text.split(separator: "`").enumerated().compactMap { index, piece in
      index % 2 == 1 && piece.hasSuffix(".swift") && piece.contains("/") ? String(piece) : nil
    }
  }

  @Test("docs/README.md walks one window through files under Sources/ that all exist")
  func walkthroughFilesExist() throws {
    let paths = try Self.swiftPaths(in: "docs/README.md")
    #expect(paths.count >= 20, "the walkthrough names the files of one window's path")
    for path in paths {
      let url = Self.root.appendingPathComponent("Sources").appendingPathComponent(path)
      #expect(FileManager.default.fileExists(atPath: url.path), "docs/README.md names \(path)")
    }
  }

  @Test(
    "design.md and mixpanel-api.md name only files that exist (relative to Sources/MixpanelLake or Sources)")
  func designFilesExist() throws {
    for document in ["docs/design.md", "docs/mixpanel-api.md"] {
      for path in try Self.swiftPaths(in: document) {
        let candidates = [
          "Sources", "Sources/MixpanelLake", "Sources/Lake", "Sources/MixpanelAPI", "Sources/MixpanelFake",
          "Sources/NDJSON", "Tests/MixpanelLakeTests", "Tests", ".",
        ]
        let found = candidates.contains {
          FileManager.default.fileExists(
            atPath: Self.root.appendingPathComponent($0).appendingPathComponent(path).path)
        }
        #expect(found, "\(document) names \(path)")
      }
    }
  }
}
