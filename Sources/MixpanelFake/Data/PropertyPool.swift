/// The custom properties the generator draws from: mixed JSON types, unicode, escapes, nesting,
/// integers beyond 2^53. Every string here is pre-escaped once into bytes.
enum PropertyPool {
  static let count = 32

  private static func table(_ values: [String]) -> [[UInt8]] {
    values.map(JSONByteWriter.quoted)
  }

  private static let keys: [[UInt8]] = table([
    "$os", "$browser", "$browser_version", "$city", "mp_country_code", "$current_url", "plan",
    "seats", "amount", "ratio", "invited", "coupon", "tags", "utm", "big_id", "balance_delta",
    "comment", "control_chars", "emoji", "scores", "matrix", "empty_object", "empty_array",
    "mixed", "$device_id", "$lib_version", "referrer", "notes", "zero", "line_separator",
    "pi", "Ключ с пробелом",
  ])
  private static let oses = table(["Mac OS X", "Windows", "iOS", "Android", "Linux"])
  private static let browsers = table(["Chrome", "Firefox", "Safari", "Microsoft Edge", "Opera"])
  private static let cities = table([
    "Berlin", "Zürich", "東京", "São Paulo", "Kraków", "New York", "Reykjavík", "Αθήνα",
  ])
  private static let countries = table(["DE", "CH", "JP", "BR", "PL", "US", "IS", "GR"])
  private static let plans = table(["free", "pro", "team", "enterprise"])
  private static let tagValues = table(["trial", "inbound", "beta", "vip", "ünïcödé", "🏷️"])
  private static let utmSources = table(["newsletter", "google", "twitter", "partner \"A\""])
  private static let comments = table([
    "He said \"hi\" and left", "C:\\Users\\fake\\file.txt", "line one\nline two",
    "tab\there", "mixed \"quotes\", \\slashes\\ and\r\nCRLF", "plain",
  ])
  private static let controls = table([
    "nul\u{0000}byte", "bell\u{0007} and esc\u{001B}", "unit\u{001F}sep", "del\u{007F}char",
  ])
  private static let emojis = table([
    "🚀🎉 launch", "👩‍💻 dev", "🇨🇭 flag", "😀", "ok 👍🏽",
  ])
  private static let notes = table([
    "", "short", "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor",
    String(repeating: "long text ", count: 20),
  ])
  private static let separators = table(["a\u{2028}b", "c\u{2029}d", "e\u{00A0}f"])
  private static let words = table(["alpha", "beta", "gamma", "delta"])

  /// Renders property `index` (0..<count) as `"key":value`.
  static func render(
    _ index: Int, into out: inout JSONByteWriter, random rng: inout SplitMix64, timeMs: Int64
  ) {
    out.key(keys[index])
    switch index {
    case 0: out.raw(oses[rng.below(oses.count)])
    case 1: out.raw(browsers[rng.below(browsers.count)])
    case 2: out.int(90 + rng.below(40))
    case 3: out.raw(cities[rng.below(cities.count)])
    case 4: out.raw(countries[rng.below(countries.count)])
    case 5:
      out.ascii("\"https://app.example.com/p/")
      out.int(rng.below(1000))
      out.ascii("?ref=mail&x=%20y\"")
    case 6:
      let pick = rng.below(plans.count + 1)
      if pick == plans.count { out.ascii("null") } else { out.raw(plans[pick]) }
    case 7: out.int(1 + rng.below(500))
    case 8: out.decimal2(Int64(rng.below(100_000)))
    case 9:
      out.int(1 + rng.below(9))
      out.byte(UInt8(ascii: "."))
      out.int(rng.below(10))
      out.ascii("e-")
      out.int(1 + rng.below(12))
    case 10: out.ascii(rng.chance(0.5) ? "true" : "false")
    case 11: out.ascii("null")
    case 12:
      out.byte(UInt8(ascii: "["))
      let n = rng.below(4)
      for i in 0..<n {
        if i > 0 { out.byte(UInt8(ascii: ",")) }
        out.raw(tagValues[rng.below(tagValues.count)])
      }
      out.byte(UInt8(ascii: "]"))
    case 13:
      out.ascii("{\"source\":")
      out.raw(utmSources[rng.below(utmSources.count)])
      out.ascii(",\"medium\":\"email\",\"campaign\":{\"id\":")
      out.int(rng.below(10_000))
      out.ascii(",\"name\":")
      out.raw(words[rng.below(words.count)])
      out.ascii(",\"active\":true,\"budget\":null}}")
    case 14:
      let exact = rng.below(4) == 0
      out.unsigned(9_007_199_254_740_993 + (exact ? 0 : UInt64(rng.below(1_000_000)) * 2))
    case 15: out.int(-Int64(rng.below(1_000_000_000)) - 1)
    case 16: out.raw(comments[rng.below(comments.count)])
    case 17: out.raw(controls[rng.below(controls.count)])
    case 18: out.raw(emojis[rng.below(emojis.count)])
    case 19:
      out.ascii("[1,2.5,-3,1e3,")
      out.decimal2(Int64(rng.below(10_000)))
      out.byte(UInt8(ascii: "]"))
    case 20:
      out.ascii("[[1,2],[3],[],[{\"k\":\"v\"}],")
      out.int(rng.below(100))
      out.byte(UInt8(ascii: "]"))
    case 21: out.ascii("{}")
    case 22: out.ascii("[]")
    case 23: renderMixed(into: &out, random: &rng)
    case 24:
      out.byte(UInt8(ascii: "\""))
      out.hex(rng.next(), digits: 16)
      out.byte(UInt8(ascii: "-"))
      out.hex(rng.next(), digits: 12)
      out.byte(UInt8(ascii: "\""))
    case 25: out.ascii("\"2.55.0\"")
    case 26: out.ascii("\"\"")
    case 27: out.raw(notes[rng.below(notes.count)])
    case 28: out.ascii(rng.chance(0.5) ? "0" : "0.0")
    case 29: out.raw(separators[rng.below(separators.count)])
    case 30: out.ascii("3.141592653589793")
    default:
      out.int(timeMs % 7)
    }
  }

  /// A property whose JSON type differs from event to event.
  private static func renderMixed(into out: inout JSONByteWriter, random rng: inout SplitMix64) {
    switch rng.below(6) {
    case 0: out.raw(words[rng.below(words.count)])
    case 1: out.int(rng.below(1_000))
    case 2: out.ascii("true")
    case 3: out.ascii("null")
    case 4: out.ascii("{\"nested\":{\"deeper\":[\"x\",{\"deepest\":false}]}}")
    default: out.decimal2(Int64(rng.below(1_000)) - 500)
    }
  }
}
