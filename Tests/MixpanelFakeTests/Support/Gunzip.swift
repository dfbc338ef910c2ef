import CZlib

/// Decompresses a complete gzip stream: what a client sees of the fake's gzip bodies.
func gunzip(_ compressed: [UInt8]) -> [UInt8]? {
  var stream = z_stream()
  guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
    return nil
  }
  defer { inflateEnd(&stream) }
  var output: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 256 * 1024)
  var input = compressed
  let ok: Bool = input.withUnsafeMutableBufferPointer { inputBuffer in
    stream.next_in = inputBuffer.baseAddress
    stream.avail_in = UInt32(inputBuffer.count)
    while true {
      let status: Int32 = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
        stream.next_out = chunkBuffer.baseAddress
        stream.avail_out = UInt32(chunkBuffer.count)
        return inflate(&stream, Z_NO_FLUSH)
      }
      output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
      if status == Z_STREAM_END { return stream.avail_in == 0 }
      if status != Z_OK { return false }
      if stream.avail_in == 0 && stream.avail_out != 0 { return false }  // truncated input
    }
  }
  return ok ? output : nil
}
