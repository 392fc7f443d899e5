#include "render.hpp"

#include "clock.hpp"

namespace cx::sandbox::powens {

namespace json = boost::json;

namespace {
const std::string kNumberTag = "\x01num:";
}

json::value number_text(const std::string& text) { return json::value(kNumberTag + text); }

std::string decimal_of(int64_t minor, int precision) {
  bool neg = minor < 0;
  uint64_t abs = neg ? uint64_t(0) - uint64_t(minor) : uint64_t(minor);
  std::string digits = std::to_string(abs);
  if (precision > 0 && digits.size() <= size_t(precision)) digits.insert(0, size_t(precision) + 1 - digits.size(), '0');
  std::string ip = precision > 0 ? digits.substr(0, digits.size() - size_t(precision)) : digits;
  std::string fp = precision > 0 ? digits.substr(digits.size() - size_t(precision)) : "";
  while (fp.size() > 1 && fp.back() == '0') fp.pop_back();
  if (fp.empty()) fp = "0";
  return (neg ? "-" : "") + ip + "." + fp;
}

std::string to_text(const json::value& v) {
  std::string s = json::serialize(v);
  const std::string tag = "\"\\u0001num:";
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (true) {
    size_t at = s.find(tag, pos);
    if (at == std::string::npos) break;
    size_t end = s.find('"', at + tag.size());
    out.append(s, pos, at - pos);
    out.append(s, at + tag.size(), end - at - tag.size());
    pos = end + 1;
  }
  out.append(s, pos, std::string::npos);
  return out;
}

bool malformed(const World& w, const Transaction& t, const RenderOptions& opt) {
  if (opt.malformed_amount_rate <= 0) return false;
  Rng r(mix(w.seed, static_cast<uint64_t>(t.id), 0xbad));
  return r.unit() < opt.malformed_amount_rate;
}

json::object currency_json(const Currency& c) {
  return {{"id", c.id}, {"symbol", c.symbol}, {"precision", c.precision}, {"name", c.name},
          {"prefix", false}, {"crypto", false}, {"marketcap", nullptr}};
}

json::object transaction_json(const World& w, const Transaction& t, const RenderOptions& opt) {
  const Account& a = w.accounts.at(t.account_id);
  std::string value = decimal_of(t.value, a.currency.precision);
  if (malformed(w, t, opt)) {
    // One significant decimal beyond the currency's precision ("-12.34" -> "-12.347").
    if (a.currency.precision == 0 || value.find('.') == std::string::npos) value = value.substr(0, value.find('.')) + ".5";
    else {
      while (value.size() - value.find('.') - 1 < size_t(a.currency.precision)) value += '0';
      value += '7';
    }
  }
  json::value counterparty = nullptr;
  if (t.counterparty)
    counterparty = json::object{{"label", t.counterparty->label},
                                {"account_scheme_name", t.counterparty->scheme},
                                {"account_identification", t.counterparty->identification},
                                {"type", t.counterparty->type}};
  return {{"id", t.id},
          {"id_account", t.account_id},
          {"webid", nullptr},
          {"application_date", t.date},
          {"date", t.date},
          {"datetime", t.datetime ? json::value(paris_datetime(*t.datetime)) : json::value(nullptr)},
          {"vdate", t.date},
          {"vdatetime", nullptr},
          {"rdate", t.rdate},
          {"rdatetime", t.datetime ? json::value(paris_datetime(*t.datetime)) : json::value(nullptr)},
          {"value", number_text(value)},
          {"gross_value", number_text(value)},
          {"original_value", nullptr},
          {"original_currency", nullptr},
          {"type", t.type},
          {"original_wording", t.original_wording},
          {"simplified_wording", t.simplified_wording},
          {"wording", nullptr},
          {"categories", json::array{json::object{{"code", t.category}, {"parent_code", nullptr}}}},
          {"id_category", t.category},
          {"date_scraped", paris_datetime(t.last_update)},
          {"coming", t.coming},
          {"active", !t.deleted},
          {"comment", nullptr},
          {"last_update", paris_datetime(t.last_update)},
          {"deleted", t.deleted ? json::value(paris_datetime(*t.deleted)) : json::value(nullptr)},
          {"card", (t.type == "card" || t.type == "deferred_card") ? json::value("XXXX XXXX XXXX 4242") : json::value(nullptr)},
          {"counterparty", std::move(counterparty)}};
}

json::object account_json(const World& w, const Account& a) {
  int64_t coming = w.coming_of(a);
  return {{"id", a.id},
          {"id_user", a.user_id},
          {"id_connection", a.connection_id},
          {"id_source", a.connection_id},
          {"id_parent", nullptr},
          {"number", a.number},
          {"webid", a.webid},
          {"original_name", a.original_name},
          {"name", a.name},
          {"balance", number_text(decimal_of(w.balance_of(a), a.currency.precision))},
          {"coming", coming ? number_text(decimal_of(coming, a.currency.precision)) : json::value(nullptr)},
          {"display", true},
          {"last_update", paris_datetime(a.last_update)},
          {"deleted", nullptr},
          {"disabled", nullptr},
          {"iban", a.iban.empty() ? json::value(nullptr) : json::value(a.iban)},
          {"bic", a.bic},
          {"currency", currency_json(a.currency)},
          {"type", a.type},
          {"usage", a.usage},
          {"ownership", "owner"},
          {"opening_date", a.opening_date},
          {"error", nullptr},
          {"bookmarked", 0}};
}

json::object connection_json(const World& w, const Connection& c, bool expand_connector) {
  auto& bank = banks().at(static_cast<size_t>(c.bank));
  json::object o{{"id", c.id},
                 {"id_user", c.user_id},
                 {"id_connector", bank.connector_id},
                 {"connector_uuid", bank.uuid},
                 {"state", c.state ? json::value(*c.state) : json::value(nullptr)},
                 {"error", c.state ? json::value(*c.state) : json::value(nullptr)},
                 {"error_message", c.error_message ? json::value(*c.error_message) : json::value(nullptr)},
                 {"last_update", paris_datetime(c.last_update)},
                 {"created", paris_datetime(c.created)},
                 {"active", c.active},
                 {"last_push", c.last_push ? json::value(paris_datetime(*c.last_push)) : json::value(nullptr)},
                 {"expire", paris_datetime(c.expire)},
                 {"connector_capabilities", json::array{"bank"}},
                 {"next_try", paris_datetime(c.last_update + 86400)}};
  if (expand_connector) o["connector"] = json::object{{"uuid", bank.uuid}, {"name", bank.name}, {"id", bank.connector_id}};
  (void)w;
  return o;
}

json::object connection_synced_json(const World& w, const Connection& c, std::optional<int64_t> since,
                                    const RenderOptions& opt) {
  json::object conn = connection_json(w, c, true);
  json::array accounts;
  if (!c.state)
    for (auto aid : c.accounts) {
      const Account& a = w.accounts.at(aid);
      json::object ao = account_json(w, a);
      json::array txs;
      for (auto tid : a.transactions) {
        const Transaction& t = w.transactions.at(tid);
        if (!since || t.last_update > *since) txs.push_back(transaction_json(w, t, opt));
      }
      ao["transactions"] = std::move(txs);
      accounts.push_back(std::move(ao));
    }
  conn["accounts"] = std::move(accounts);
  return {{"user", synced_user_json(c)}, {"connection", std::move(conn)}};
}

json::object synced_user_json(const Connection& c) {
  return {{"id", c.user_id}, {"signin", paris_datetime(c.created)}, {"platform", "sharedAccess"}};
}

std::string error_body(const std::string& code, const std::string& description, int64_t request_id,
                       const std::string& message) {
  return json::serialize(json::object{{"code", code},
                                      {"description", description},
                                      {"message", message.empty() ? json::value(nullptr) : json::value(message)},
                                      {"request_id", request_id}});
}

}  // namespace cx::sandbox::powens
