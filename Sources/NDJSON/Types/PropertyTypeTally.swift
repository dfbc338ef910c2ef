import Glibc

/// The JSON types each member of an export line's `properties` object has held, gathered by
/// ``JSONLineScanner/scan(_:tally:)`` during validation: one bit per type, ORed per key.
///
/// Allocation-free once its table holds the window's keys: a key is hashed (FNV-1a over its
/// bytes, as they appear between the quotes, escapes kept), looked up by open addressing and
/// compared byte for byte; its type bit is ORed in. A window of one event type sees the same
/// few dozen keys on every line.
public final class PropertyTypeTally {
  /// One bit per JSON type a value has shown.
  public struct Types: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let string = Types(rawValue: 1)
    /// A number without fraction or exponent.
    public static let integer = Types(rawValue: 2)
    /// A number with a fraction or an exponent.
    public static let fraction = Types(rawValue: 4)
    public static let boolean = Types(rawValue: 8)
    public static let object = Types(rawValue: 16)
    public static let array = Types(rawValue: 32)
    public static let null = Types(rawValue: 64)
  }

  private struct Entry {
    var offset: Int32
    var length: Int32
    var hash: UInt32
    var types: Types
  }

  private var slots: [Int32]
  private var entries: [Entry] = []
  private var arena: [UInt8] = []

  public init() {
    slots = Array(repeating: -1, count: 256)
    arena.reserveCapacity(4096)
  }

  /// Keys seen so far.
  public var count: Int { entries.count }

  /// Every key (its bytes between the quotes, JSON escapes kept) with the types it held.
  public var keysAndTypes: [(key: [UInt8], types: Types)] {
    entries.map { entry in
      (Array(arena[Int(entry.offset)..<Int(entry.offset + entry.length)]), entry.types)
    }
  }

  /// Notes that `key` (the bytes between its quotes) held a value of `types`.
  @inline(__always)
  func observe(_ key: UnsafePointer<UInt8>, _ length: Int, _ types: Types) {
    var hash: UInt32 = 2_166_136_261
    for index in 0..<length { hash = (hash ^ UInt32(key[index])) &* 16_777_619 }
    let mask = slots.count - 1
    var slot = Int(hash) & mask
    while true {
      let index = slots[slot]
      if index < 0 { break }
      let entry = entries[Int(index)]
      if entry.hash == hash, Int(entry.length) == length,
        arena.withUnsafeBufferPointer({ memcmp($0.baseAddress! + Int(entry.offset), key, length) }) == 0
      {
        if !entry.types.contains(types) { entries[Int(index)].types.formUnion(types) }
        return
      }
      slot = (slot + 1) & mask
    }
    slots[slot] = Int32(entries.count)
    entries.append(Entry(offset: Int32(arena.count), length: Int32(length), hash: hash, types: types))
    arena.append(contentsOf: UnsafeBufferPointer(start: key, count: length))
    if entries.count * 2 > slots.count { grow() }
  }

  private func grow() {
    slots = Array(repeating: -1, count: slots.count * 2)
    let mask = slots.count - 1
    for (index, entry) in entries.enumerated() {
      var slot = Int(entry.hash) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(index)
    }
  }

  /// Forgets every key (a window retried from the start).
  public func reset() {
    for index in slots.indices { slots[index] = -1 }
    entries.removeAll(keepingCapacity: true)
    arena.removeAll(keepingCapacity: true)
  }
}
