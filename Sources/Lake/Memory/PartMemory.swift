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
/// whose floor (``floorBytes`` or one line) does not fit: 60 windows' floors are 3.75 MiB.
///
/// The contexts that compress live in one pool of at most one per core; windows that get ahead
/// of the compressor stop reading their connection, and TCP holds the rest back.
public final class PartMemory: Sendable {
  /// 64 MiB of frames: peak RSS of a 60-window backfill stays near 100 MB (Benchmarks/README.md).
  public static let defaultBudget = 64 << 20
  /// A frame is compressed once it holds this much: large enough to lose nothing against one
  /// stream, small enough that 60 windows' frames fit the default budget.
  public static let defaultFrameBytes = 1 << 20
  /// The smallest frame buffer a part holds.
  public static let floorBytes = 64 << 10

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
