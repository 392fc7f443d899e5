// The filter keys each list accepts, as docs/api/formance-v3.md §1 lists them, mapped to
// our columns. Ops: kEquality = $match $in; kOrder = $lt $lte $gt $gte; kExists = $exists.
#include "host/store/filter_sql.hpp"

namespace cx::store::filter_specs {
namespace {
constexpr uint32_t kAny = ops::kEquality | ops::kOrder;

FilterKey k(const char* name, const char* column, uint32_t allowed = ops::kEquality,
            FilterValue value = FilterValue::Text, const char* blind_domain = "") {
  return FilterKey{name, column, allowed, value, blind_domain};
}
}  // namespace

const FilterSpec& accounts() {
  static const FilterSpec spec{
      "accounts",
      {
          k("id", "id", kAny),
          k("reference", "reference", kAny),
          k("connector_id", "connector_id", kAny),
          k("type", "type", kAny),
          k("default_asset", "default_asset", kAny | ops::kExists),
          k("psu_id", "psu_id", kAny | ops::kExists),
          k("open_banking_connection_id", "connection_id", kAny | ops::kExists),
          // The name is sealed: equality through its blind index only.
          k("name", "name_index", ops::kEquality, FilterValue::BlindIndex, "accounts.name"),
      },
      "metadata", "accounts"};
  return spec;
}

const FilterSpec& payments() {
  static const FilterSpec spec{
      "payments",
      {
          k("reference", "reference"),
          k("id", "id"),
          k("connector_id", "connector_id"),
          k("type", "type"),
          k("asset", "asset"),
          k("scheme", "scheme"),
          k("status", "status"),
          k("source_account_id", "source_account_id"),
          k("destination_account_id", "destination_account_id"),
          k("psu_id", "psu_id"),
          k("open_banking_connection_id", "connection_id"),
          k("amount", "amount_key", kAny, FilterValue::Amount),
          k("initial_amount", "initial_amount_key", kAny, FilterValue::Amount),
      },
      "metadata", "payments"};
  return spec;
}

const FilterSpec& connectors() {
  static const FilterSpec spec{"connectors",
                               {
                                   k("provider", "provider", ops::kEquality, FilterValue::LowerText),
                                   k("name", "name"),
                                   k("id", "id"),
                               },
                               ""};
  return spec;
}

const FilterSpec& psus() {
  static const FilterSpec spec{"payment service users", {k("id", "id")}, "metadata", "psus"};
  return spec;
}

const FilterSpec& connections() {
  static const FilterSpec spec{"connections", {k("connection_id", "connection_id"), k("status", "status")}, "metadata"};
  return spec;
}

const FilterSpec& link_attempts() {
  static const FilterSpec spec{"link attempts", {k("id", "id"), k("status", "status")}, ""};
  return spec;
}

const FilterSpec& bank_accounts() {
  static const FilterSpec spec{"bank accounts", {k("id", "id")}, "metadata", "bank_accounts"};
  return spec;
}

FilterSpec none(const char* resource) { return FilterSpec{resource, {}, ""}; }

}  // namespace cx::store::filter_specs
