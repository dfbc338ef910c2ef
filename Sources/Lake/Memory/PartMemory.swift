import Foundation
import Synchronization

/// The memory every zstd part of a run holds before compressing, shared by all windows in
/// flight: one budget (`memory_budget_mb`) instead of a stream context per open part.
///
/// A zstd part gathers lines into a frame buffer and compresses it, whole, as an independent
/// frame (``ZstdFrameEncoder``) once it reaches ``frameBytes``. The buffer grows by doubling,
/// each step reserved here first; when the budget is spent, the part compresses the frame it
/// has instead of growing (a smaller frame, never a wait, so no window can block another).
/// A part always gets room for its next line, so the budget can be exceeded only by parts
/// whose floor (``floorBytes`` or one line) does not fit: 100 windows' floors are 25 MiB.
///
/// The contexts that compress live in one pool of at most one per core; windows that get ahead
/// of the compressor stop reading their connection, and TCP holds the rest back.
public final class PartMemory: Sendable {
  /// 48 MiB of frames: a backfill with 100 windows in flight peaked at 134 MB RSS, its parts
  /// 0.7 % larger than one stream each (README, "Performance"; 64 MiB: 146 MB, 0.3 %).
  public static let defaultBudget = 48 << 20
  /// A frame is compressed once it holds this much: large enough to lose nothing against one
  /// stream.
  public static let defaultFrameBytes = 1 << 20
  /// The smallest frame buffer a part holds: frames below 256 KiB compress worse (on the fake's
  /// events, zstd -3 in frames of 64 KiB: +12 %, 128 KiB: +5 %, 256 KiB: +1.4 %, 512 KiB and
  /// more: as one stream).
  public static let floorBytes = 256 << 10

  public let budget: Int
  public let frameBytes: Int
  public let encoder: ZstdFrameEncoder

  private struct Counters {
    var held = 0
    var peak = 0
    var pressureFrames = 0
  }
  private let counters = Mutex(Counters())

  public init(
    budget: Int = PartMemory.defaultBudget, frameBytes: Int = PartMemory.defaultFrameBytes,
    contexts: Int? = nil
  ) {
    self.budget = budget
    self.frameBytes = max(Self.floorBytes, frameBytes)
    self.encoder = ZstdFrameEncoder(
      maxPooled: contexts ?? ProcessInfo.processInfo.activeProcessorCount, typicalFrameBytes: self.frameBytes)
  }

  /// Takes `bytes` more if the budget has them.
  func tryReserve(_ bytes: Int) -> Bool {
    counters.withLock { counters in
      guard counters.held + bytes <= budget else { return false }
      counters.held += bytes
      counters.peak = max(counters.peak, counters.held)
      return true
    }
  }

  /// Takes `bytes` whether or not the budget has them (a part's floor: its next line).
  func forceReserve(_ bytes: Int) {
    counters.withLock { counters in
      counters.held += bytes
      counters.peak = max(counters.peak, counters.held)
    }
  }

  func release(_ bytes: Int) {
    counters.withLock { $0.held -= bytes }
  }

  func notePressureFrame() {
    counters.withLock { $0.pressureFrames += 1 }
  }

  /// Bytes reserved now by open parts.
  public var held: Int { counters.withLock { $0.held } }
  /// The most ever reserved at once.
  public var peak: Int { counters.withLock { $0.peak } }
  /// Frames compressed early because the budget was spent.
  public var pressureFrames: Int { counters.withLock { $0.pressureFrames } }
}
