import Glibc

/// The JSON types each member of an export line's `properties` object has held, gathered by
/// ``JSONLineScanner/scan(_:tally:)`` during validation: one bit per type, ORed per key.
///
/// On the hot path (every property of every line), so it allocates nothing once it holds the
/// window's keys and touches no Swift array. Properties come in much the same order line after
/// line, so each key is first compared with the one that followed the previous key last time
/// (8 bytes at a time); only a surprise is hashed (FNV-1a over the key's bytes as they appear
/// between the quotes, escapes kept) and looked up by open addressing. The scanner asks for that
/// prediction before it scans a key: input bytes equal to the predicted (already validated) key
/// and followed by a quote are that key, so the common key is neither scanned nor looked up.
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

  fileprivate struct Entry {
    var offset: Int
    var length: Int
    var hash: UInt32
    var types: Types
    /// Whether the key holds a JSON escape.
    var escaped: Bool
    /// The entry that followed this one the last time (the next property of the line), or -1.
    var next: Int32 = -1
  }

  /// Everything behind one pointer: a class's `var`s would cost an exclusivity check per access.
  fileprivate struct Storage {
    var slots: UnsafeMutablePointer<Int32>
    var slotCount: Int
    var entries: UnsafeMutablePointer<Entry>
    var entryCount = 0
    var entryCapacity: Int
    /// Keys end to end, with ``arenaSlack`` zero bytes allocated past `arenaCapacity`, so that a
    /// key of fewer than 8 bytes can be read as one word (``Handle/keyMatches(_:_:_:)``).
    var arena: UnsafeMutablePointer<UInt8>
    var arenaCount = 0
    var arenaCapacity: Int
    /// The entry of the line's previous property (-1 at a line's start), and the first
    /// property's entry of the last line.
    var previous: Int = -1
    var first: Int = -1
    /// 2: the members of `properties`; 1: the line's own members (a table row).
    var depth = 2
  }

  private let storage: UnsafeMutablePointer<Storage>

  /// A tally of `properties`' members, or with `topLevel` of each line's own members (the
  /// rows of the Query streams' tables).
  public convenience init(topLevel: Bool) {
    self.init()
    storage.pointee.depth = topLevel ? 1 : 2
  }

  public init() {
    let slots = UnsafeMutablePointer<Int32>.allocate(capacity: 256)
    slots.initialize(repeating: -1, count: 256)
    storage = .allocate(capacity: 1)
    storage.initialize(
      to: Storage(
        slots: slots, slotCount: 256, entries: .allocate(capacity: 128), entryCapacity: 128,
        arena: Self.allocateArena(4096), arenaCapacity: 4096))
  }

  fileprivate static let arenaSlack = 8

  fileprivate static func allocateArena(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
    let arena = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + arenaSlack)
    arena.initialize(repeating: 0, count: capacity + arenaSlack)
    return arena
  }

  deinit {
    storage.pointee.slots.deallocate()
    storage.pointee.entries.deallocate()
    storage.pointee.arena.deallocate()
    storage.deallocate()
  }

  /// Every key (its bytes between the quotes, JSON escapes kept) with the types it held.
  public var keysAndTypes: [(key: [UInt8], types: Types)] {
    let s = storage.pointee
    return (0..<s.entryCount).map { index in
      let entry = s.entries[index]
      return (Array(UnsafeBufferPointer(start: s.arena + entry.offset, count: entry.length)), entry.types)
    }
  }

  /// The tally without its object: what the scanner holds while it scans a line (no reference
  /// counting per value). Valid while the tally lives.
  struct Handle {
    fileprivate let storage: UnsafeMutablePointer<Storage>

    /// The depth whose members it notes.
    var depth: Int { storage.pointee.depth }

    /// A new line starts: its first property is compared with the last line's first.
    @inline(__always)
    func beginLine() { storage.pointee.previous = -1 }

    /// The entry expected as the next property: the one that followed the previous property
    /// last time (or the last line's first), -1 when there is none yet.
    @inline(__always)
    var predicted: Int {
      let previous = storage.pointee.previous
      return previous < 0 ? storage.pointee.first : Int(storage.pointee.entries[previous].next)
    }

    /// The length of `entry`'s key (its bytes between the quotes), and whether it holds an escape.
    @inline(__always)
    func key(of entry: Int) -> (length: Int, escaped: Bool) {
      let e = storage.pointee.entries + entry
      return (e.pointee.length, e.pointee.escaped)
    }

    /// Whether the `count` bytes at `seen` (at least 8 of them readable) are `entry`'s key: one
    /// masked word for a short key, words (the last one overlapping) for a longer one; no loop
    /// over bytes, whose varying trip count the branch predictor misses.
    @inline(__always)
    func keyMatches(_ entry: Int, _ seen: UnsafePointer<UInt8>, _ count: Int) -> Bool {
      let stored = UnsafeRawPointer(storage.pointee.arena + storage.pointee.entries[entry].offset)
      let input = UnsafeRawPointer(seen)
      if count < 8 {
        let mask: UInt64 = count == 0 ? 0 : ~0 >> UInt64(64 - 8 * count)
        return (stored.loadUnaligned(as: UInt64.self) ^ input.loadUnaligned(as: UInt64.self)) & mask == 0
      }
      var offset = 0
      while offset + 8 < count {
        if stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
          != input.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        {
          return false
        }
        offset += 8
      }
      return stored.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        == input.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    /// Notes that the key of `entry` (the one ``predicted`` gave) held a value of `types`.
    @inline(__always)
    func observe(entry index: Int, _ types: Types) {
      storage.pointee.previous = index
      let entry = storage.pointee.entries + index
      if entry.pointee.types.rawValue | types.rawValue != entry.pointee.types.rawValue {
        entry.pointee.types.formUnion(types)
      }
    }

    /// Notes that `key` (the bytes between its quotes) held a value of `types`.
    @inline(__always)
    func observe(_ key: UnsafePointer<UInt8>, _ length: Int, _ types: Types) {
      let previous = storage.pointee.previous
      let predicted = previous < 0 ? storage.pointee.first : Int(storage.pointee.entries[previous].next)
      var index = predicted
      if predicted < 0
        || !Self.matches(storage.pointee.entries + predicted, key, length, storage.pointee.arena)
      {
        index = lookUp(key, length)
        if previous < 0 {
          storage.pointee.first = index
        } else {
          storage.pointee.entries[previous].next = Int32(index)
        }
      }
      storage.pointee.previous = index
      let entry = storage.pointee.entries + index
      if entry.pointee.types.rawValue | types.rawValue != entry.pointee.types.rawValue {
        entry.pointee.types.formUnion(types)
      }
    }

    /// Whether `entry`'s key is `key`: compared 8 bytes at a time, without a call.
    @inline(__always)
    private static func matches(
      _ entry: UnsafeMutablePointer<Entry>, _ key: UnsafePointer<UInt8>, _ length: Int,
      _ arena: UnsafeMutablePointer<UInt8>
    ) -> Bool {
      guard entry.pointee.length == length else { return false }
      return equal(arena + entry.pointee.offset, key, length)
    }

    /// Whether `length` bytes at `a` and `b` are equal: 8 at a time, without a call.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
      let stored = UnsafeRawPointer(a)
      let seen = UnsafeRawPointer(b)
      var offset = 0
      while offset + 8 <= length {
        if stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
          != seen.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        {
          return false
        }
        offset += 8
      }
      while offset < length {
        if stored.load(fromByteOffset: offset, as: UInt8.self)
          != seen.load(fromByteOffset: offset, as: UInt8.self)
        {
          return false
        }
        offset += 1
      }
      return true
    }

    /// The entry of `key`, made (with no type yet) if new.
    private func lookUp(_ key: UnsafePointer<UInt8>, _ length: Int) -> Int {
      var hash: UInt32 = 2_166_136_261
      for index in 0..<length { hash = (hash ^ UInt32(key[index])) &* 16_777_619 }
      let mask = storage.pointee.slotCount - 1
      var slot = Int(hash) & mask
      while true {
        let index = Int(storage.pointee.slots[slot])
        if index < 0 { break }
        let entry = storage.pointee.entries + index
        if entry.pointee.hash == hash, Self.matches(entry, key, length, storage.pointee.arena) {
          return index
        }
        slot = (slot + 1) & mask
      }
      return insert(key, length, hash: hash, slot: slot)
    }

    func insert(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt32, slot: Int) -> Int {
      var s = storage.pointee
      if s.entryCount == s.entryCapacity {
        let grown = UnsafeMutablePointer<Entry>.allocate(capacity: s.entryCapacity * 2)
        grown.moveInitialize(from: s.entries, count: s.entryCount)
        s.entries.deallocate()
        s.entries = grown
        s.entryCapacity *= 2
      }
      if s.arenaCount + length > s.arenaCapacity {
        let capacity = max(s.arenaCapacity * 2, s.arenaCount + length)
        let grown = PropertyTypeTally.allocateArena(capacity)
        grown.update(from: s.arena, count: s.arenaCount)
        s.arena.deallocate()
        s.arena = grown
        s.arenaCapacity = capacity
      }
      let index = s.entryCount
      (s.arena + s.arenaCount).initialize(from: key, count: length)
      (s.entries + index).initialize(
        to: Entry(
          offset: s.arenaCount, length: length, hash: hash, types: [],
          escaped: memchr(key, 0x5C, length) != nil))
      s.arenaCount += length
      s.entryCount += 1
      s.slots[slot] = Int32(index)
      storage.pointee = s
      if s.entryCount * 2 > s.slotCount { grow() }
      return index
    }

    func grow() {
      var s = storage.pointee
      let count = s.slotCount * 2
      let slots = UnsafeMutablePointer<Int32>.allocate(capacity: count)
      slots.initialize(repeating: -1, count: count)
      for index in 0..<s.entryCount {
        var slot = Int(s.entries[index].hash) & (count - 1)
        while slots[slot] >= 0 { slot = (slot + 1) & (count - 1) }
        slots[slot] = Int32(index)
      }
      s.slots.deallocate()
      s.slots = slots
      s.slotCount = count
      storage.pointee = s
    }

  }

  /// The handle the scanner uses.
  var handle: Handle { Handle(storage: storage) }
}
