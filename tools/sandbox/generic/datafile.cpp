#include "tools/sandbox/generic/datafile.hpp"

#include "tools/sandbox/generic/seed.hpp"
#include "tools/sandbox/generic/timefmt.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cx::sandbox::generic {
namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw std::runtime_error(origin + ": " + what);
}

const boost::json::array* list_of(const boost::json::object& doc, const char* key, const std::string& origin) {
  auto* v = doc.if_contains(key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_array()) fail(origin, std::string("\"") + key + "\" must be an array");
  return &v->get_array();
}

void check_items(const boost::json::array* items, const char* key, const char* id_field, const std::string& origin) {
  if (!items) return;
  for (size_t i = 0; i < items->size(); ++i) {
    const auto& item = (*items)[i];
    std::string where = std::string(key) + "[" + std::to_string(i) + "]";
    if (!item.is_object()) fail(origin, where + " must be an object");
    auto* id = item.get_object().if_contains(id_field);
    if (!id || !id->is_string() || id->get_string().empty())
      fail(origin, where + " needs a non-empty string \"" + id_field + "\"");
    if (std::string_view(key) == "balances") {
      auto* lines = item.get_object().if_contains("balances");
      if (!lines || !lines->is_array()) fail(origin, where + ".balances must be an array");
    }
  }
}

}  // namespace

void apply_items(Dataset& data, const boost::json::value& v, const std::string& origin) {
  if (!v.is_object()) fail(origin, "the document must be a JSON object");
  const auto& doc = v.get_object();
  for (auto& [key, value] : doc)
    if (key != "now" && key != "accounts" && key != "beneficiaries" && key != "transactions" && key != "balances")
      fail(origin, "unknown key \"" + std::string(key) + "\" (expected now, accounts, beneficiaries, transactions, balances)");
  const auto* accounts = list_of(doc, "accounts", origin);
  const auto* beneficiaries = list_of(doc, "beneficiaries", origin);
  const auto* transactions = list_of(doc, "transactions", origin);
  const auto* balances = list_of(doc, "balances", origin);
  check_items(accounts, "accounts", "id", origin);
  check_items(beneficiaries, "beneficiaries", "id", origin);
  check_items(transactions, "transactions", "id", origin);
  check_items(balances, "balances", "accountID", origin);

  auto put = [&](const boost::json::array* items, List list) {
    if (items)
      for (auto& item : *items) data.upsert(list, item.get_object());
  };
  put(accounts, List::Accounts);
  put(beneficiaries, List::Beneficiaries);
  put(transactions, List::Transactions);
  if (balances)
    for (auto& b : *balances) {
      const auto& o = b.get_object();
      std::optional<std::string> at;
      if (auto* a = o.if_contains("at"); a && a->is_string()) at = std::string(a->get_string());
      data.set_balances(std::string(o.at("accountID").get_string()), o.at("balances").get_array(), at);
    }
}

std::unique_ptr<Dataset> load_data_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(text.str(), ec);
  if (ec) fail(path, "is not JSON: " + ec.message());
  if (!doc.is_object()) fail(path, "the document must be a JSON object");

  // The clock: "now", else the latest timestamp in the file, else the seeded data's clock.
  std::optional<int64_t> now;
  if (auto* n = doc.get_object().if_contains("now"); n && !n->is_null()) {
    if (!n->is_string() || !(now = parse_time(n->get_string()))) fail(path, "\"now\" must be an RFC 3339 date-time");
  } else {
    for (const char* key : {"accounts", "beneficiaries", "transactions", "balances"})
      if (auto* items = doc.get_object().if_contains(key); items && items->is_array())
        for (auto& item : items->get_array())
          if (item.is_object())
            for (const char* field : {"createdAt", "updatedAt", "at"})
              if (auto* t = item.get_object().if_contains(field); t && t->is_string())
                if (auto ms = parse_time(t->get_string())) now = std::max(now.value_or(*ms), *ms);
  }
  auto data = std::make_unique<Dataset>(now.value_or(kSeedClockMs));
  apply_items(*data, doc, path);
  return data;
}

}  // namespace cx::sandbox::generic
