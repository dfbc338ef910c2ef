// swift-tools-version: 6.1
// Benchmark suite for mixpanel-lake, a package of its own so that the root package does not
// depend on package-benchmark. Run from this folder: `swift package benchmark` (see README.md).
import PackageDescription

let package = Package(
  name: "mixpanel-lake-benchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    // `name:` pins the identity: a path dependency is otherwise named after its folder, which
    // differs between clones.
    .package(name: "mixpanel-lake", path: ".."),
    // The MallocInterposer trait alone (not the default RuntimeInterposer) is what resolves here.
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "MixpanelLakeBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "MixpanelLake", package: "mixpanel-lake"),
        .product(name: "MixpanelFake", package: "mixpanel-lake"),
        .product(name: "NDJSON", package: "mixpanel-lake"),
        .product(name: "Lake", package: "mixpanel-lake"),
        .product(name: "CalendarDay", package: "mixpanel-lake"),
      ],
      path: "Benchmarks/MixpanelLakeBenchmarks",
      swiftSettings: [.swiftLanguageMode(.v6)],
      plugins: [
        .plugin(name: "BenchmarkPlugin", package: "benchmark")
      ]
    )
  ]
)
