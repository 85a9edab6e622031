// Format table: every float format of the lowp catalogue with its parameters, and the value of
// every code of the formats of 8 bits or fewer, laid out like the tables of the OCP FP8 and
// OCP MX specifications (one row per exponent field, one column per mantissa field).
//
// Every number printed comes from the library: the parameters from the constexpr property
// functions of the descriptor (lowp::max_finite, lowp::min_normal, ...), the cells from
// lowp::decode. Values are printed exactly: as a decimal when it has at most 17 significant
// digits (2^-9 is 0.001953125), otherwise as m*2^e with m odd (2^-127, 255*2^120).
//
// Usage:
//   example_format_table              parameters of every format, then the value tables of
//                                     e2m1fn, e2m3fn, e3m2fn, e4m3fn and e5m2
//   example_format_table NAME...      parameters and value table of the named formats
//   example_format_table --all        parameters, then the value table of every format of
//                                     8 bits or fewer
//   example_format_table --list       the format names (an unknown name prints them too)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "lowp/codec/float_codec.hpp"  // encode / decode
#include "lowp/format/formats.hpp"     // the catalogue and the descriptor's properties

namespace {

namespace fm = lowp::formats;

// ---------------------------------------------------------------------------------------------
// Exact printing of a double (every value of these formats is a float, hence a double).

// v exactly: a decimal when it has at most 17 significant digits (then "%.17g" prints it
// exactly), else m*2^e with m odd.
std::string exact(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  const std::string sign = v < 0 ? "-" : "";
  // |v| = m * 2^e with m an odd integer below 2^53.
  int e = 0;
  const double frac = std::frexp(std::fabs(v), &e);  // |v| = frac * 2^e, frac in [0.5, 1)
  auto m = static_cast<std::uint64_t>(std::ldexp(frac, 53));
  e -= 53;
  while ((m & 1u) == 0) {
    m >>= 1;
    ++e;
  }
  // Significant digits: those of m * 2^e (e >= 0) or of m * 5^-e (e < 0, the decimal digits
  // of m * 2^e shifted by -e places). Seventeen digits at most means below 10^17.
  const std::uint64_t limit = 100000000000000000ull;
  std::uint64_t digits = m;
  bool short_enough = true;
  for (int i = 0; i < (e >= 0 ? e : -e) && short_enough; ++i) {
    short_enough = digits < limit / (e >= 0 ? 2 : 5);
    digits *= (e >= 0 ? 2u : 5u);
  }
  char buf[64];
  if (short_enough && digits < limit) {
    std::snprintf(buf, sizeof buf, "%.17g", std::fabs(v));
  } else if (m == 1) {
    std::snprintf(buf, sizeof buf, "2^%d", e);
  } else {
    std::snprintf(buf, sizeof buf, "%llu*2^%d", static_cast<unsigned long long>(m), e);
  }
  return sign + buf;
}

// A code in hex with as many digits as the format needs (0x7F, 0x3F80).
std::string hex(std::uint64_t code, int bits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llX", (bits + 3) / 4, static_cast<unsigned long long>(code));
  return buf;
}

// The low `count` bits of `value` in binary.
std::string binary(std::uint64_t value, int count) {
  std::string s;
  for (int i = count - 1; i >= 0; --i) s += ((value >> i) & 1u) ? '1' : '0';
  return s;
}

// ---------------------------------------------------------------------------------------------
// A small aligned-table printer: the first column left-aligned, the others right-aligned.

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], row[c].size());
    }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      line += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    std::printf("%s\n", line.c_str());
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters, all from the descriptor's constexpr property functions.

const char* convention_name(lowp::special_values s) {
  switch (s) {
    case lowp::special_values::ieee:
      return "ieee";
    case lowp::special_values::fn:
      return "fn";
    case lowp::special_values::fnuz:
      return "fnuz";
    case lowp::special_values::finite:
      return "finite";
    case lowp::special_values::e8m0:
      return "e8m0";
    case lowp::special_values::p3109_extended:
      return "p3109 ext";
    case lowp::special_values::p3109_finite:
      return "p3109 fin";
  }
  return "?";
}

// The NaN codes: one or two listed, or the two ranges of IEEE-like formats.
std::string nan_codes(const lowp::float_format& d) {
  const int bits = lowp::total_bits(d);
  const std::uint64_t count = lowp::nan_code_count(d);
  if (count == 0) return "none";
  const std::uint64_t nan = lowp::nan_code(d);  // the canonical positive quiet NaN
  if (count == 1) return hex(nan, bits);
  if (count == 2) return hex(nan, bits) + " " + hex(nan | lowp::sign_mask(d), bits);
  // IEEE-like: every code above +inf in each sign half.
  const std::uint64_t first = lowp::inf_code(d) + 1, last = lowp::all_ones_magnitude(d);
  const std::uint64_t s = lowp::sign_mask(d);
  return hex(first, bits) + "-" + hex(last, bits) + " " + hex(first | s, bits) + "-" +
         hex(last | s, bits);
}

// Encoding: width, fields, and which codes are special.
std::vector<std::string> encoding_row(const char* name, const lowp::float_format& d) {
  const int bits = lowp::total_bits(d);
  std::string zeros = "none";
  if (lowp::has_zero(d)) zeros = lowp::has_negative_zero(d) ? "+0 -0" : "+0";
  std::string inf = "none";
  if (lowp::has_inf(d)) {
    inf = hex(lowp::inf_code(d), bits);
    if (lowp::is_signed(d)) inf += " " + hex(lowp::inf_code(d) | lowp::sign_mask(d), bits);
  }
  return {name,
          std::to_string(bits),
          std::to_string(d.exponent_bits),
          std::to_string(d.mantissa_bits),
          std::to_string(d.bias),
          lowp::is_signed(d) ? "signed" : "unsigned",
          convention_name(d.specials),
          zeros,
          inf,
          nan_codes(d)};
}

// Range: the extreme values (exact) and how many finite numbers there are.
std::vector<std::string> range_row(const char* name, const lowp::float_format& d) {
  // Subnormals exist when exponent field 0 is not a normal binade and there are mantissa bits.
  const bool subnormals = lowp::has_subnormals(d) && d.mantissa_bits > 0;
  char approx[32];
  std::snprintf(approx, sizeof approx, "%.6g", lowp::max_finite(d));
  return {name,
          exact(lowp::max_finite(d)),
          approx,
          exact(lowp::min_normal(d)),
          subnormals ? exact(lowp::min_positive(d)) : "none",
          std::to_string(lowp::finite_code_count(d)),
          std::to_string(lowp::finite_value_count(d))};
}

// ---------------------------------------------------------------------------------------------
// The value table of a format of 8 bits or fewer, decoded code by code with lowp::decode.

template <class Fmt>
void print_value_table(const char* name) {
  constexpr lowp::float_format d = Fmt::value;
  constexpr int E = d.exponent_bits, M = d.mantissa_bits, bits = lowp::total_bits(d);
  constexpr std::uint64_t magnitudes = std::uint64_t{1} << (E + M);
  using code_t = lowp::storage_t<Fmt>;
  // Every cell exactly; without mantissa bits every non-zero value is a power of two, shown
  // as 2^k throughout.
  const auto value = [](std::uint64_t code) {
    const double v = static_cast<double>(lowp::decode<Fmt>(static_cast<code_t>(code)));
    if (M == 0 && std::isfinite(v) && v != 0) {
      int e = 0;
      std::frexp(v, &e);  // |v| = 0.5 * 2^e
      return std::string(v < 0 ? "-" : "") + "2^" + std::to_string(e - 1);
    }
    return exact(v);
  };

  // OCP layout (rows = exponent field, columns = mantissa field) while it has at most 32
  // rows; formats with more exponent fields (E8M0, P3109 binary8p1/p2) get rows of 8 codes.
  constexpr bool by_field = E <= 5 && M >= 1;
  constexpr int column_bits = by_field ? M : 3;
  constexpr std::uint64_t columns = std::uint64_t{1} << column_bits;

  std::printf("\n%s: %d bits = %s%d exponent + %d mantissa, bias %d, specials %s\n", name, bits,
              lowp::is_signed(d) ? "sign + " : "", E, M, d.bias, convention_name(d.specials));
  if (by_field)
    std::printf(
        "rows: exponent field (and the code of the row's first cell); columns: "
        "mantissa field\n");
  else
    std::printf(
        "rows: 8 consecutive codes (the code of the row's first cell); columns: the "
        "code's low 3 bits\n");

  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{""};
  for (std::uint64_t c = 0; c < columns; ++c)
    header.push_back((by_field ? "m=" : "+") + binary(c, column_bits));
  rows.push_back(header);
  for (std::uint64_t first = 0; first < magnitudes; first += columns) {
    std::string label = hex(first, bits);
    if (by_field) label += " e=" + binary(first >> M, E);
    std::vector<std::string> row{label};
    for (std::uint64_t c = 0; c < columns; ++c) row.push_back(value(first + c));
    rows.push_back(row);
  }
  print_table(rows);

  // The negative half: the negated values, except where the convention says otherwise.
  if (!lowp::is_signed(d)) {
    std::printf("unsigned: no sign bit, the table holds every code\n");
    return;
  }
  const std::uint64_t sign = lowp::sign_mask(d);
  std::string exceptions;
  for (std::uint64_t c = 0; c < magnitudes; ++c) {
    const float pos = lowp::decode<Fmt>(static_cast<code_t>(c));
    const float neg = lowp::decode<Fmt>(static_cast<code_t>(c | sign));
    const bool same = (std::isnan(pos) && std::isnan(neg)) ||
                      (neg == -pos && std::signbit(neg) != std::signbit(pos));
    if (!same) exceptions += " " + hex(c | sign, bits) + " = " + value(c | sign);
  }
  std::printf("sign bit set (code + %s): the negated value%s\n", hex(sign, bits).c_str(),
              exceptions.empty() ? ", for every code" : (", except" + exceptions).c_str());
}

// ---------------------------------------------------------------------------------------------
// The catalogue: a name, the descriptor, and the value-table printer (8 bits or fewer).

struct format_entry {
  const char* name;
  lowp::float_format desc;
  void (*values)(const char*);  // nullptr for formats wider than 8 bits
};

template <class Fmt>
constexpr format_entry entry(const char* name) {
  if constexpr (lowp::total_bits(Fmt::value) <= 8)
    return {name, lowp::descriptor_v<Fmt>, &print_value_table<Fmt>};
  else
    return {name, lowp::descriptor_v<Fmt>, nullptr};
}

const format_entry catalogue[] = {
    entry<fm::e4m3fn>("e4m3fn"),
    entry<fm::e5m2>("e5m2"),
    entry<fm::e4m3>("e4m3"),
    entry<fm::e3m4>("e3m4"),
    entry<fm::e4m3fnuz>("e4m3fnuz"),
    entry<fm::e5m2fnuz>("e5m2fnuz"),
    entry<fm::e4m3b11fnuz>("e4m3b11fnuz"),
    entry<fm::e8m0fnu>("e8m0fnu"),
    entry<fm::e2m3fn>("e2m3fn"),
    entry<fm::e3m2fn>("e3m2fn"),
    entry<fm::e2m1fn>("e2m1fn"),
    entry<fm::ue4m3>("ue4m3"),
    entry<fm::bfloat16>("bfloat16"),
    entry<fm::binary16>("binary16"),
    entry<fm::tf32>("tf32"),
    entry<fm::binary32>("binary32"),
    // IEEE P3109 binary8pP (signed, extended domain): formats::binary8p<P> = p3109<8, P>.
    entry<fm::binary8p<1>>("binary8p1"),
    entry<fm::binary8p<2>>("binary8p2"),
    entry<fm::binary8p<3>>("binary8p3"),
    entry<fm::binary8p<4>>("binary8p4"),
    entry<fm::binary8p<5>>("binary8p5"),
    entry<fm::binary8p<6>>("binary8p6"),
    entry<fm::binary8p<7>>("binary8p7"),
};

const format_entry* find(const char* name) {
  for (const auto& f : catalogue)
    if (std::strcmp(f.name, name) == 0) return &f;
  return nullptr;
}

void print_parameters(const std::vector<const format_entry*>& which) {
  std::vector<std::vector<std::string>> encoding{
      {"format", "bits", "E", "M", "bias", "sign", "specials", "zeros", "+inf -inf", "NaN codes"}};
  std::vector<std::vector<std::string>> range{{"format", "max finite", "(approx.)", "min normal",
                                               "min subnormal", "finite codes", "finite values"}};
  for (const auto* f : which) {
    encoding.push_back(encoding_row(f->name, f->desc));
    range.push_back(range_row(f->name, f->desc));
  }
  std::printf("Encoding (E exponent bits, M mantissa bits; specials: the convention):\n\n");
  print_table(encoding);
  std::printf(
      "\nRange (exact values; finite codes count +0 and -0 apart, finite values once):\n\n");
  print_table(range);
}

void print_names() {
  std::printf("formats:");
  for (const auto& f : catalogue) std::printf(" %s", f.name);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<const format_entry*> all, tables;
  for (const auto& f : catalogue) all.push_back(&f);

  if (argc == 1 || (argc == 2 && std::strcmp(argv[1], "--all") == 0)) {
    print_parameters(all);
    if (argc == 1) {
      for (const char* name : {"e2m1fn", "e2m3fn", "e3m2fn", "e4m3fn", "e5m2"})
        tables.push_back(find(name));
    } else {
      for (const auto& f : catalogue)
        if (f.values != nullptr) tables.push_back(&f);
    }
  } else {
    std::vector<const format_entry*> named;
    for (int i = 1; i < argc; ++i) {
      const format_entry* f = find(argv[i]);
      if (f == nullptr) {
        if (std::strcmp(argv[i], "--list") != 0)
          std::fprintf(stderr, "unknown format '%s'\n", argv[i]);
        print_names();
        return std::strcmp(argv[i], "--list") == 0 ? 0 : 1;
      }
      named.push_back(f);
    }
    print_parameters(named);
    tables = named;
  }

  for (const auto* f : tables) {
    if (f->values != nullptr)
      f->values(f->name);
    else
      std::printf("\n%s: %d bits, no value table (formats of 8 bits or fewer only)\n", f->name,
                  lowp::total_bits(f->desc));
  }
  return 0;
}
