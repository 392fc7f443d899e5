#include "fixtures.hpp"

#include <boost/url.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace cx::conformance {
namespace {

std::string str_field(const boost::json::object& o, const char* key, const std::string& where, bool required) {
  auto* v = o.if_contains(key);
  if (!v) {
    if (required) throw std::runtime_error(where + ": \"" + key + "\" is required");
    return {};
  }
  if (!v->is_string()) throw std::runtime_error(where + ": \"" + key + "\" must be a string");
  return std::string(v->get_string());
}

Exchange parse_exchange(const boost::json::value& v, const std::string& where) {
  if (!v.is_object()) throw std::runtime_error(where + ": must be an object");
  const auto& o = v.get_object();
  Exchange x;
  x.method = str_field(o, "method", where, false);
  x.url = str_field(o, "url", where, true);
  if (auto* q = o.if_contains("query")) {
    if (!q->is_object()) throw std::runtime_error(where + ": \"query\" must be an object of strings");
    for (auto& [k, val] : q->get_object()) {
      if (!val.is_string()) throw std::runtime_error(where + ": query." + std::string(k) + " must be a string");
      x.query.emplace_back(std::string(k), std::string(val.get_string()));
    }
  }
  if (auto* b = o.if_contains("bodyJson")) x.body_json = *b;
  x.body_contains = str_field(o, "bodyContains", where, false);
  x.response.status = 200;
  if (auto* s = o.if_contains("status")) {
    if (!s->is_int64()) throw std::runtime_error(where + ": \"status\" must be an integer");
    x.response.status = static_cast<int>(s->get_int64());
  }
  if (auto* h = o.if_contains("headers")) {
    if (!h->is_object()) throw std::runtime_error(where + ": \"headers\" must be an object of strings");
    for (auto& [k, val] : h->get_object()) {
      if (!val.is_string()) throw std::runtime_error(where + ": headers." + std::string(k) + " must be a string");
      std::string name(k);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      x.response.headers[name] = std::string(val.get_string());
    }
  }
  if (auto* j = o.if_contains("json")) {
    x.response.body = boost::json::serialize(*j);
    x.response.headers.try_emplace("content-type", "application/json");
  } else {
    x.response.body = str_field(o, "body", where, false);
  }
  return x;
}

OpSpec parse_op(const boost::json::value& v, const std::string& where) {
  if (!v.is_object()) throw std::runtime_error(where + ": must be an object");
  const auto& o = v.get_object();
  OpSpec s;
  s.op = str_field(o, "op", where, true);
  if (auto* r = o.if_contains("request")) {
    if (!r->is_object()) throw std::runtime_error(where + ": \"request\" must be an object");
    s.request = r->get_object();
  } else {
    s.request = {{"state", nullptr}, {"fromPayload", nullptr}, {"pageSize", 100}};
  }
  if (auto* p = o.if_contains("parent")) {
    if (!p->is_object()) throw std::runtime_error(where + ": \"parent\" must be {\"op\", \"into\"?}");
    s.parent = str_field(p->get_object(), "op", where + ".parent", true);
    if (auto into = str_field(p->get_object(), "into", where + ".parent", false); !into.empty()) s.into = into;
  }
  return s;
}

}  // namespace

Fixtures load_fixtures(const std::string& dir) {
  std::string path = dir + "/fixtures.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(text, ec);
  if (ec) throw std::runtime_error(path + ": invalid JSON: " + ec.message());
  if (!root.is_object()) throw std::runtime_error(path + ": must be an object");
  Fixtures f;
  const auto& o = root.get_object();
  if (auto* n = o.if_contains("nowMs")) {
    if (!n->is_int64()) throw std::runtime_error(path + ": \"nowMs\" must be an integer (UTC ms)");
    f.now_ms = n->get_int64();
  }
  auto* ops = o.if_contains("ops");
  if (!ops || !ops->is_array() || ops->get_array().empty())
    throw std::runtime_error(path + ": \"ops\" must be a non-empty array");
  for (size_t i = 0; i < ops->get_array().size(); ++i)
    f.ops.push_back(parse_op(ops->get_array()[i], path + ": ops[" + std::to_string(i) + "]"));
  if (auto* http = o.if_contains("http")) {
    if (!http->is_array()) throw std::runtime_error(path + ": \"http\" must be an array");
    for (size_t i = 0; i < http->get_array().size(); ++i)
      f.http.push_back(parse_exchange(http->get_array()[i], path + ": http[" + std::to_string(i) + "]"));
  }
  return f;
}

bool json_contains(const boost::json::value& have, const boost::json::value& want) {
  if (want.is_object()) {
    if (!have.is_object()) return false;
    for (auto& [k, v] : want.get_object()) {
      auto* h = have.get_object().if_contains(k);
      if (!h || !json_contains(*h, v)) return false;
    }
    return true;
  }
  return have == want;
}

const Exchange* match(const std::vector<Exchange>& http, const HttpRequest& req) {
  auto parsed = boost::urls::parse_uri(req.url);
  if (!parsed) return nullptr;
  boost::urls::url_view u = *parsed;
  std::string base = std::string(u.scheme()) + "://" + std::string(u.encoded_authority()) + std::string(u.path());
  std::optional<boost::json::value> body;
  for (const auto& x : http) {
    if (!x.method.empty() && x.method != req.method) continue;
    if (x.url != base) continue;
    bool ok = true;
    for (auto& [k, v] : x.query) {
      bool found = false;
      for (auto p : u.params())
        if (p.key == k && p.value == v) found = true;
      if (!found) { ok = false; break; }
    }
    if (!ok) continue;
    if (!x.body_contains.empty() && req.body.find(x.body_contains) == std::string::npos) continue;
    if (x.body_json) {
      if (!body) {
        boost::system::error_code ec;
        body = boost::json::parse(req.body, ec);
        if (ec) body = boost::json::value();
      }
      if (!json_contains(*body, *x.body_json)) continue;
    }
    return &x;
  }
  return nullptr;
}

}  // namespace cx::conformance
