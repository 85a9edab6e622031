// Reader for the golden vector files in tests/golden/ (copied from shared/golden; produced by
// running ml_dtypes and the CUDA host headers, see tests/golden/PROVENANCE.md).
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lowp_test {

struct golden_table {
  std::vector<std::string> columns;  // names of the code columns (after the input column)
  std::vector<std::uint64_t> inputs;
  std::vector<std::vector<std::uint64_t>> codes;  // codes[row][column]
  std::vector<std::string> tags;                  // last column (encode: stratum tag)
};

inline std::string golden_path(const std::string& rel) {
  return std::string(LOWP_TEST_DATA_DIR) + "/" + rel;
}

/// Reads a golden file. `code_columns`: the header's column names between the first column
/// and the trailing tag/value column.
inline golden_table read_golden(const std::string& rel) {
  std::ifstream in(golden_path(rel));
  if (!in) throw std::runtime_error("cannot open golden file " + golden_path(rel));
  golden_table t;
  std::string line;
  std::string header;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      header = line;
      continue;
    }
    if (t.columns.empty()) {
      std::istringstream hs(header.substr(1));
      std::vector<std::string> names;
      std::string name;
      while (hs >> name) names.push_back(name);
      // first: input/code, last: tag/value
      t.columns.assign(names.begin() + 1, names.end() - 1);
    }
    std::istringstream ls(line);
    std::string tok;
    ls >> tok;
    t.inputs.push_back(std::stoull(tok, nullptr, 16));
    std::vector<std::uint64_t> row;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      ls >> tok;
      row.push_back(std::stoull(tok, nullptr, 16));
    }
    t.codes.push_back(row);
    std::string rest;
    std::getline(ls, rest);
    t.tags.push_back(rest);
  }
  return t;
}

}  // namespace lowp_test
