extension Duration {
  /// The duration in seconds, as a `Double` (for logs, records and rate arithmetic).
  public var inSeconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}
