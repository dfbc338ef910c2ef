// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

// Linux only (the tool and its CI run there): the code uses Glibc, flock and Linux file-system
// calls directly, so no Apple platform is declared.
let package = Package(
  name: "mixpanel-lake",
  products: [
    .executable(name: "mixpanel-lake", targets: ["mixpanel-lake"]),
    .executable(name: "tap-mixpanel-lake", targets: ["tap-mixpanel-lake"]),
    .library(name: "MixpanelLake", targets: ["MixpanelLake"]),
    .library(name: "MixpanelFake", targets: ["MixpanelFake"]),
    .library(name: "NDJSON", targets: ["NDJSON"]),
    .library(name: "Lake", targets: ["Lake"]),
    .library(name: "CalendarDay", targets: ["CalendarDay"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CZstd", pkgConfig: "libzstd",
      providers: [.apt(["libzstd-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]),
    .target(name: "CalendarDay"),
    .target(name: "NDJSON", dependencies: ["CalendarDay"]),
    .target(
      name: "Lake",
      dependencies: [
        "CZstd", "CZlib", "CalendarDay",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .target(
      name: "MixpanelAPI",
      dependencies: [
        "CalendarDay",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .target(
      name: "MixpanelLake",
      dependencies: [
        "MixpanelAPI", "NDJSON", "Lake", "CalendarDay",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .target(
      name: "MixpanelFake",
      dependencies: [
        "CZlib",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    // What both executables share: exit codes, the one-line error, loggers, the tap's entry.
    .target(
      name: "CommandLineSupport",
      dependencies: [
        "MixpanelLake", "MixpanelAPI", "Lake",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .executableTarget(
      name: "mixpanel-lake",
      dependencies: [
        "CommandLineSupport", "MixpanelLake", "MixpanelFake", "Lake",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .executableTarget(
      name: "tap-mixpanel-lake",
      dependencies: [
        "CommandLineSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    // What the test targets share: the virtual and the manual test clock.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "CalendarDayTests", dependencies: ["CalendarDay"]),
    .testTarget(name: "NDJSONTests", dependencies: ["NDJSON"]),
    .testTarget(name: "LakeTests", dependencies: ["Lake", "NDJSON", "CalendarDay", "MixpanelFake", "CZstd"]),
    .testTarget(
      name: "MixpanelAPITests", dependencies: ["MixpanelAPI", "CalendarDay", "MixpanelFake", "TestSupport"]),
    .testTarget(
      name: "MixpanelFakeTests",
      dependencies: ["MixpanelFake", "CZlib", .product(name: "Logging", package: "swift-log")]),
    .testTarget(
      name: "MixpanelLakeTests",
      dependencies: [
        "MixpanelLake", "MixpanelFake", "Lake", "NDJSON", "MixpanelAPI", "CalendarDay", "TestSupport",
        .product(name: "InMemoryLogging", package: "swift-log"),
      ]),
  ]
)

for target in package.targets where target.type != .system {
  target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
