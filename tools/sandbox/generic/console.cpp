#include "tools/sandbox/generic/console.hpp"

#include "tools/sandbox/generic/api.hpp"
#include "tools/sandbox/generic/datafile.hpp"
#include "tools/sandbox/generic/timefmt.hpp"

#include <stdexcept>

namespace cx::sandbox::generic {
namespace {

constexpr const char* kBase = "/sandbox/console";

std::optional<boost::json::object> json_body(const httplib::Request& req, httplib::Response& res) {
  if (req.body.empty()) return boost::json::object{};
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(req.body, ec);
  if (ec || !v.is_object()) {
    send_error(res, 400, "Bad Request", "the body must be a JSON object");
    return std::nullopt;
  }
  return v.get_object();
}

}  // namespace

void Console::mount(httplib::Server& server) {
  const std::string base = kBase;
  server.Get(base, [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, boost::json::object{
        {"clock", "GET /sandbox/console/clock"},
        {"advance", "POST /sandbox/console/clock/advance {\"seconds\": N} or {\"duration\": \"1h30m\"}"},
        {"faults", "GET|POST|DELETE /sandbox/console/faults {rate429, rate5xx, latencyMs, retryAfterSeconds, htmlErrors}"},
        {"truth", "GET /sandbox/console/truth"},
        {"items", "POST /sandbox/console/items {accounts?, beneficiaries?, transactions?, balances?}"},
        {"stats", "GET /sandbox/console/stats"}});
  });
  server.Get(base + "/clock", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, boost::json::object{{"now", rfc3339(data_.now_ms())}});
  });
  server.Post(base + "/clock/advance", [this](const httplib::Request& req, httplib::Response& res) { advance(req, res); });
  server.Get(base + "/faults", [this](const httplib::Request&, httplib::Response& res) { send_json(res, 200, faults_.settings()); });
  server.Post(base + "/faults", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = json_body(req, res);
    if (!body) return;
    try {
      send_json(res, 200, faults_.update(*body));
    } catch (const std::invalid_argument& e) {
      send_error(res, 400, "Bad Request", e.what());
    }
  });
  server.Delete(base + "/faults", [this](const httplib::Request&, httplib::Response& res) {
    faults_.reset();
    send_json(res, 200, faults_.settings());
  });
  server.Get(base + "/stats", [this](const httplib::Request&, httplib::Response& res) { send_json(res, 200, faults_.stats()); });
  server.Get(base + "/truth", [this](const httplib::Request&, httplib::Response& res) { send_json(res, 200, data_.truth()); });
  server.Post(base + "/items", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = json_body(req, res);
    if (!body) return;
    try {
      apply_items(data_, *body, "POST /sandbox/console/items");
    } catch (const std::exception& e) {
      return send_error(res, 400, "Bad Request", e.what());
    }
    send_json(res, 200, boost::json::object{{"accounts", data_.size(List::Accounts)},
                                            {"beneficiaries", data_.size(List::Beneficiaries)},
                                            {"transactions", data_.size(List::Transactions)}});
  });
}

void Console::advance(const httplib::Request& req, httplib::Response& res) {
  auto body = json_body(req, res);
  if (!body) return;
  std::optional<int64_t> ms;
  if (auto* s = body->if_contains("seconds")) {
    if (s->is_int64() && s->get_int64() >= 0) ms = s->get_int64() * 1000;
    else if (s->is_uint64()) ms = static_cast<int64_t>(s->get_uint64()) * 1000;
  } else if (auto* d = body->if_contains("duration"); d && d->is_string()) {
    ms = parse_duration_ms(d->get_string());
  }
  if (!ms) return send_error(res, 400, "Bad Request", "give {\"seconds\": N} (N >= 0) or {\"duration\": \"1h30m\"}");
  if (*ms > 3650LL * 86'400'000) return send_error(res, 400, "Bad Request", "advance at most ten years at a time");
  std::lock_guard lock(advance_mu_);
  Advance a = data_.advance(*ms, [this](int64_t from, int64_t to) -> size_t {
    return generator_ ? generator_->grow(data_, from, to) : 0;
  });
  send_json(res, 200, boost::json::object{{"now", rfc3339(a.now_ms)}, {"settled", a.settled}, {"added", a.added}});
}

}  // namespace cx::sandbox::generic
