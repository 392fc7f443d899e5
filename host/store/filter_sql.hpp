// Compiles a Filter tree (query.hpp) into a parameterised SQL condition against the keys one
// resource allows. Values are always bound as parameters, never spliced into the SQL text; a key
// or operator outside the resource's list is a QueryError naming the key.
#pragma once

#include "host/store/db/driver.hpp"
#include "host/crypto/blind_index.hpp"
#include "host/store/query.hpp"


#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace cx::store {

/// Operator bits a key accepts.
namespace ops {
constexpr uint32_t bit(Filter::Kind k) { return 1u << static_cast<unsigned>(k); }
inline constexpr uint32_t kEquality = bit(Filter::Kind::Match) | bit(Filter::Kind::In);
inline constexpr uint32_t kOrder = bit(Filter::Kind::Lt) | bit(Filter::Kind::Lte) | bit(Filter::Kind::Gt) |
                                   bit(Filter::Kind::Gte);
inline constexpr uint32_t kExists = bit(Filter::Kind::Exists);
}  // namespace ops

/// How a filter value becomes a bound parameter.
enum class FilterValue {
  Text,        ///< a JSON string, compared as is
  LowerText,   ///< a JSON string, lower-cased (connector providers)
  Amount,      ///< a JSON integer or integer string, compared through the amount sort key
  BlindIndex,  ///< a JSON string, compared through its keyed HMAC (encrypted columns)
};

struct FilterKey {
  std::string name;    ///< the API's key ("open_banking_connection_id")
  std::string column;  ///< the SQL column it reads ("connection_id")
  uint32_t ops = ops::kEquality;
  FilterValue value = FilterValue::Text;
  std::string blind_domain;  ///< BlindIndex: the HMAC domain ("accounts.name")
};

/// The keys of one resource. metadata_column empty = no metadata[k] filters. metadata_table set =
/// the resource's metadata is split by sealed_metadata.hpp: `metadata[k]` with a public key reads
/// the clear column, any other key the blind index entries in `<table>.metadata_index`.
struct FilterSpec {
  std::string resource;
  std::vector<FilterKey> keys;
  std::string metadata_column;
  std::string metadata_table = {};
};

using SqlParam = std::variant<std::string, int64_t, std::vector<uint8_t>>;

struct CompiledFilter {
  std::string sql;  ///< a condition with ? placeholders, e.g. "(psu_id = ? AND amount_key > ?)"
  std::vector<SqlParam> params;
};

/// Throws QueryError naming the key for an unknown key, an operator the key does not accept, or a
/// value of the wrong shape. `blind` computes BlindIndex values (may be null when no key needs it).
/// The SQL is `backend`'s where the engines differ (constant truth values, byte search in the
/// metadata index, key/value pairs of the JSON metadata).
CompiledFilter compile_filter(const Filter& filter, const FilterSpec& spec, const crypto::BlindIndex* blind,
                              db::Backend backend = db::Backend::sqlite);

/// Binds params to ?1.. starting at `first` (1-based); returns the next free index.
int bind_params(db::Statement& s, const std::vector<SqlParam>& params, int first = 1);

/// The allowed keys per resource (docs/api/formance-v3.md §1).
namespace filter_specs {
const FilterSpec& accounts();
const FilterSpec& payments();
const FilterSpec& connectors();
const FilterSpec& psus();
const FilterSpec& connections();
const FilterSpec& link_attempts();
const FilterSpec& bank_accounts();
FilterSpec none(const char* resource);  ///< resources without filter keys
}  // namespace filter_specs

}  // namespace cx::store
