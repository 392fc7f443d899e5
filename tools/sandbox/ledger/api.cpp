#include "tools/sandbox/ledger/api.hpp"

#include "host/util/encoding.hpp"
#include "host/util/json_bigint.hpp"

#include <connectivity/time.hpp>

#include <boost/json.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <chrono>
#include <thread>

namespace cx::sandbox::ledger {

namespace json = boost::json;

namespace {

constexpr const char* kVersion = "v2.4.12";
constexpr size_t kDefaultPageSize = 15, kMaxPageSize = 1000;

HttpResponse json_response(int status, const json::value& v) {
  return HttpResponse{status, util::serialize_bigint_json(v) + "\n", "application/json", {}};
}

HttpResponse error(const Error& e) {
  return json_response(e.status, json::object{{"errorCode", e.code}, {"errorMessage", e.message}});
}
HttpResponse error(int status, const std::string& code, const std::string& message) { return error(Error{status, code, message}); }
HttpResponse validation(const std::string& message) { return error(400, "VALIDATION", message); }

// Splits "/v2/l/accounts/a" into {"v2","l","accounts","a"} (the path is already percent-decoded).
std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 1;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

bool truthy(const std::optional<std::string>& v) { return v && (*v == "true" || *v == "1"); }

// Output options of one request: bigints as numbers, or as strings when the client asks
// (header Formance-Bigint-As-String: true).
struct Out {
  bool bigint_as_string = false;
  json::value num(const Int& v) const { return bigint_as_string ? json::value(v.str()) : util::bigint_value(v.str()); }
  json::value time(int64_t ms) const { return json::value(cx::time::format_rfc3339(ms)); }
};

json::object strings(const std::map<std::string, std::string>& m) {
  json::object o;
  for (auto& [k, v] : m) o[k] = v;
  return o;
}

json::object volumes(const Out& out, const Volumes& v) {
  json::object o;
  for (auto& [account, assets] : v) {
    json::object a;
    for (auto& [asset, vol] : assets)
      a[asset] = json::object{{"input", out.num(vol.input)}, {"output", out.num(vol.output)}, {"balance", out.num(Int(vol.input - vol.output))}};
    o[account] = std::move(a);
  }
  return o;
}

json::object transaction_json(const Out& out, const Transaction& t) {
  json::array postings;
  for (auto& p : t.postings)
    postings.push_back(json::object{{"source", p.source}, {"destination", p.destination}, {"amount", out.num(p.amount)}, {"asset", p.asset}});
  json::object o{{"id", t.id}, {"postings", std::move(postings)}, {"metadata", strings(t.metadata)},
                 {"timestamp", out.time(t.timestamp_ms)}, {"insertedAt", out.time(t.inserted_ms)},
                 {"updatedAt", out.time(t.inserted_ms)}, {"reverted", false}};
  if (!t.reference.empty()) o["reference"] = t.reference;
  o["preCommitVolumes"] = volumes(out, t.pre);
  o["postCommitVolumes"] = volumes(out, t.post);
  o["preCommitEffectiveVolumes"] = volumes(out, t.pre_effective);
  o["postCommitEffectiveVolumes"] = volumes(out, t.post_effective);
  return o;
}

json::object account_json(const Out& out, const Account& a, bool with_volumes) {
  json::object o{{"address", a.address}, {"metadata", strings(a.metadata)}, {"insertionDate", out.time(a.insertion_ms)},
                 {"updatedAt", out.time(a.updated_ms)}};
  if (a.first_usage_ms) o["firstUsage"] = out.time(*a.first_usage_ms);
  if (with_volumes) {
    json::object v;
    for (auto& [asset, vol] : a.volumes)
      v[asset] = json::object{{"input", out.num(vol.input)}, {"output", out.num(vol.output)}, {"balance", out.num(Int(vol.input - vol.output))}};
    o["volumes"] = std::move(v);
  }
  return o;
}

json::object ledger_json(const Out& out, const Ledger& l) {
  return json::object{{"name", l.name}, {"addedAt", out.time(l.added_ms)}, {"bucket", l.bucket},
                      {"metadata", strings(l.metadata)}, {"features", strings(l.features)}, {"id", l.id}};
}

// A body that must be a JSON object (or empty, when `empty_ok`); big integers kept exact.
std::variant<json::value, HttpResponse> body_json(const HttpRequest& req, bool empty_ok) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (empty_ok) return json::value(json::object{});
    return validation("missing request body");
  }
  std::string why;
  auto v = util::parse_bigint_json(req.body, &why);
  if (!v) return validation("invalid JSON body: " + why);
  if (!v->is_object()) return validation("the request body must be a JSON object");
  return std::move(*v);
}

std::variant<std::map<std::string, std::string>, std::string> string_map(const json::value& v, const std::string& field) {
  std::map<std::string, std::string> out;
  if (v.is_null()) return out;
  if (!v.is_object()) return "'" + field + "' must be an object of strings";
  for (auto& [k, s] : v.get_object()) {
    if (!s.is_string()) return "'" + field + "." + std::string(k) + "' must be a string";
    out[std::string(k)] = std::string(s.get_string());
  }
  return out;
}

// --- Cursors: opaque base64url of {"offset","pageSize", …the list's own parameters}. ---

struct Page {
  size_t offset = 0, size = kDefaultPageSize;
  json::object params;  ///< pit, query, expand: restored from the cursor
};

std::variant<Page, HttpResponse> page_of(const HttpRequest& req, const std::vector<std::string>& keep) {
  Page p;
  if (auto c = req.param("cursor"); c && !c->empty()) {
    auto raw = util::base64url_decode(*c);
    boost::system::error_code ec;
    json::value v = raw ? json::parse(*raw, ec) : json::value();
    if (!raw || ec || !v.is_object() || !v.get_object().contains("offset") || !v.get_object().contains("pageSize"))
      return validation("invalid 'cursor' query param");
    auto& o = v.get_object();
    try {
      p.offset = o.at("offset").to_number<size_t>();
      p.size = o.at("pageSize").to_number<size_t>();
    } catch (const std::exception&) {
      return validation("invalid 'cursor' query param");
    }
    if (p.size < 1 || p.size > kMaxPageSize) return validation("invalid 'cursor' query param");
    if (auto* params = o.if_contains("params"); params && params->is_object()) p.params = params->get_object();
    return p;
  }
  if (auto s = req.param("pageSize")) {
    if (s->empty() || s->size() > 9 || s->find_first_not_of("0123456789") != std::string::npos || std::stoul(*s) == 0)
      return validation("invalid 'pageSize' query param");
    p.size = std::min<size_t>(std::stoul(*s), kMaxPageSize);
  }
  for (auto& k : keep)
    if (auto v = req.param(k)) p.params[k] = *v;
  return p;
}

std::string cursor(const Page& p, size_t offset) {
  json::object o{{"offset", offset}, {"pageSize", p.size}, {"params", p.params}};
  return util::base64url_encode(json::serialize(o));
}

json::object cursor_json(const Page& p, json::array data, bool has_more) {
  json::object c{{"pageSize", p.size}, {"hasMore", has_more}};
  if (p.offset > 0) c["previous"] = cursor(p, p.offset > p.size ? p.offset - p.size : 0);
  if (has_more) c["next"] = cursor(p, p.offset + p.size);
  c["data"] = std::move(data);
  return json::object{{"cursor", std::move(c)}};
}

std::variant<std::optional<int64_t>, HttpResponse> pit_of(const json::object& params) {
  auto* v = params.if_contains("pit");
  if (!v || !v->is_string() || v->get_string().empty()) return std::optional<int64_t>();
  auto ms = cx::time::parse_rfc3339(std::string(v->get_string()));
  if (!ms) return validation("invalid 'pit' query param: expected an RFC 3339 date-time");
  return ms;
}

// The filter of a list or aggregation: `query` (URL parameter, JSON) if non-empty, else the body.
std::variant<Filter, HttpResponse> filter_of(const HttpRequest& req, const json::object& params) {
  json::value q;
  if (auto* p = params.if_contains("query"); p && p->is_string() && !p->get_string().empty()) {
    std::string why;
    auto v = util::parse_bigint_json(std::string(p->get_string()), &why);
    if (!v) return validation("invalid 'query' param: " + why);
    q = std::move(*v);
  } else if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    std::string why;
    auto v = util::parse_bigint_json(req.body, &why);
    if (!v) return validation("invalid JSON body: " + why);
    q = std::move(*v);
  }
  auto f = Filter::parse(q);
  if (auto* err = std::get_if<std::string>(&f)) return validation(*err);
  return std::get<Filter>(f);
}

}  // namespace

Api::Api(World& world, AuthOptions auth) : world_(world), auth_(std::move(auth)) {}

bool Api::authorized(const HttpRequest& req) {
  if (!auth_.enabled()) return true;
  std::string h = req.header("authorization");
  if (h.size() < 8 || (h.compare(0, 7, "Bearer ") != 0 && h.compare(0, 7, "bearer ") != 0)) return false;
  std::string token = h.substr(7);
  if (!auth_.token.empty() && token == auth_.token) return true;
  std::lock_guard lock(mu_);
  auto it = issued_.find(token);
  return it != issued_.end() && it->second > world_.now();
}

HttpResponse Api::oauth_token(const HttpRequest& req) {
  // RFC 6749 §4.4: form-encoded grant_type=client_credentials; the client authenticates with
  // HTTP Basic (§2.3.1) or client_id/client_secret in the body.
  std::map<std::string, std::string> form;
  if (auto parsed = boost::urls::parse_query(req.body))
    for (auto p : boost::urls::params_view(*parsed, boost::urls::encoding_opts(/*space_as_plus=*/true)))
      form[std::string(p.key)] = std::string(p.value);
  std::string id = form["client_id"], secret = form["client_secret"];
  std::string h = req.header("authorization");
  if (h.rfind("Basic ", 0) == 0)
    if (auto decoded = util::base64_decode(h.substr(6))) {
      auto colon = decoded->find(':');
      if (colon != std::string::npos) {
        id = decoded->substr(0, colon);
        secret = decoded->substr(colon + 1);
      }
    }
  if (form["grant_type"] != "client_credentials")
    return json_response(400, json::object{{"error", "unsupported_grant_type"}, {"error_description", "grant_type must be client_credentials"}});
  if (auth_.client_id.empty() || id != auth_.client_id || secret != auth_.client_secret)
    return json_response(401, json::object{{"error", "invalid_client"}, {"error_description", "unknown client or wrong secret"}});
  std::string token = util::uuid_v4();
  {
    std::lock_guard lock(mu_);
    issued_[token] = world_.now() + auth_.token_ttl_s * 1000;
    ++tokens_issued_;
  }
  return json_response(200, json::object{{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", auth_.token_ttl_s}});
}

HttpResponse Api::sandbox(const HttpRequest& req) {
  if (req.path == "/_sandbox/faults" && req.method == "POST") {
    auto body = body_json(req, false);
    if (auto* r = std::get_if<HttpResponse>(&body)) return *r;
    auto& o = std::get<json::value>(body).get_object();
    Fault f;
    auto int_field = [&](const char* k, int64_t def, int64_t lo, int64_t hi) -> std::optional<int64_t> {
      auto* v = o.if_contains(k);
      if (!v) return def;
      if (!v->is_int64() || v->get_int64() < lo || v->get_int64() > hi) return std::nullopt;
      return v->get_int64();
    };
    auto status = int_field("status", 500, 400, 599), count = int_field("count", 1, 0, 1000), delay = int_field("delayMs", 0, 0, 60000);
    if (!status || !count || !delay) return validation("status must be 400..599, count 0..1000, delayMs 0..60000");
    f.status = static_cast<int>(*status);
    f.remaining = static_cast<int>(*count);
    f.delay_ms = *delay;
    if (auto* ra = o.if_contains("retryAfter")) {
      if (!ra->is_string()) return validation("retryAfter must be a string (seconds or an HTTP date)");
      f.retry_after = std::string(ra->get_string());
    }
    std::lock_guard lock(mu_);
    fault_ = f;
    return HttpResponse{204, "", "application/json", {}};
  }
  if (req.path == "/_sandbox/stats" && req.method == "GET") {
    std::lock_guard lock(mu_);
    return json_response(200, json::object{{"apiRequests", api_requests_}, {"tokensIssued", tokens_issued_},
                                           {"unauthorized", unauthorized_}, {"faultsRemaining", fault_.remaining}});
  }
  if (req.path == "/_sandbox/reset" && req.method == "POST") {
    world_.reset();
    std::lock_guard lock(mu_);
    fault_ = Fault{};
    issued_.clear();
    api_requests_ = tokens_issued_ = unauthorized_ = 0;
    return HttpResponse{204, "", "application/json", {}};
  }
  return error(404, "NOT_FOUND", "no sandbox route " + req.method + " " + req.path);
}

HttpResponse Api::handle(const HttpRequest& original) {
  HttpRequest req = original;
  // A stack gateway serves the ledger under /api/ledger and the token endpoint at
  // /api/auth/oauth/token (the SDK's default tokenURL); accept both forms.
  if (req.path.rfind("/api/ledger/", 0) == 0) req.path = req.path.substr(11);
  if (req.path == "/api/auth/oauth/token") req.path = "/oauth/token";
  if (req.path.rfind("/_sandbox/", 0) == 0) return sandbox(req);
  if (req.path == "/oauth/token" && req.method == "POST") return oauth_token(req);
  if (req.path == "/_/info" && req.method == "GET") return json_response(200, json::object{{"server", "ledger"}, {"version", kVersion}});
  if (req.path == "/_healthcheck") return json_response(200, json::object{});

  Fault fault;
  {
    std::lock_guard lock(mu_);
    ++api_requests_;
    if (fault_.remaining > 0) {
      --fault_.remaining;
      fault = fault_;
    }
  }
  if (fault.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(fault.delay_ms));
  if (fault.status > 0) {
    auto r = error(fault.status, fault.status == 429 ? "TIMEOUT" : "INTERNAL", "injected fault (" + std::to_string(fault.status) + ")");
    if (!fault.retry_after.empty()) r.headers.emplace_back("Retry-After", fault.retry_after);
    return r;
  }
  if (!authorized(req)) {
    std::lock_guard lock(mu_);
    ++unauthorized_;
    return HttpResponse{401, "", "application/json", {}};  // go-libs auth middleware: 401, empty body
  }
  auto res = route(req);
  if (on_change_ && req.method == "POST" && res.status < 300 && req.param("dryRun").value_or("") != "true") on_change_();
  return res;
}

HttpResponse Api::route(const HttpRequest& req) {
  Out out{req.header("formance-bigint-as-string") == "true"};
  auto seg = segments(req.path);
  auto no_route = [&] { return error(404, "NOT_FOUND", "no route for " + req.method + " " + req.path); };
  if (seg.empty() || seg[0] != "v2") return no_route();
  const std::string& m = req.method;

  if (seg.size() == 1 && m == "GET") {
    auto page = page_of(req, {});
    if (auto* r = std::get_if<HttpResponse>(&page)) return *r;
    auto& p = std::get<Page>(page);
    auto all = world_.ledgers();
    json::array data;
    for (size_t i = p.offset; i < all.size() && data.size() < p.size; ++i) data.push_back(ledger_json(out, all[i]));
    return json_response(200, cursor_json(p, std::move(data), all.size() > p.offset + p.size));
  }
  if (seg.size() == 2 && seg[1] == "_info" && m == "GET")
    return json_response(200, json::object{{"data", json::object{{"server", "ledger"}, {"version", kVersion},
                                                                  {"config", json::object{}}, {"experimentalFeatures", json::array{}}}}});
  if (seg.size() < 2) return no_route();
  const std::string& name = seg[1];

  if (seg.size() == 2 && m == "POST") {
    auto body = body_json(req, true);
    if (auto* r = std::get_if<HttpResponse>(&body)) return *r;
    auto& o = std::get<json::value>(body).get_object();
    std::string bucket;
    if (auto* b = o.if_contains("bucket")) {
      if (!b->is_string()) return validation("'bucket' must be a string");
      bucket = std::string(b->get_string());
    }
    auto meta = string_map(o.contains("metadata") ? o.at("metadata") : json::value(), "metadata");
    auto feat = string_map(o.contains("features") ? o.at("features") : json::value(), "features");
    if (auto* e = std::get_if<std::string>(&meta)) return validation(*e);
    if (auto* e = std::get_if<std::string>(&feat)) return validation(*e);
    if (auto err = world_.create_ledger(name, bucket, std::get<0>(meta), std::get<0>(feat))) return error(*err);
    return HttpResponse{204, "", "application/json", {}};
  }
  if (seg.size() == 2 && m == "GET") {
    auto l = world_.ledger_info(name);
    if (auto* e = std::get_if<Error>(&l)) return error(*e);
    return json_response(200, json::object{{"data", ledger_json(out, std::get<Ledger>(l))}});
  }
  if (seg.size() == 3 && seg[2] == "_info" && m == "GET") {
    auto l = world_.ledger_info(name);
    if (auto* e = std::get_if<Error>(&l)) return error(*e);
    return json_response(200, json::object{{"data", json::object{{"name", name}, {"storage", json::object{{"migrations", json::array{}}}}}}});
  }

  // --- transactions ---
  if (seg.size() == 3 && seg[2] == "transactions" && m == "POST") {
    std::string key = req.header("idempotency-key");
    if (!key.empty())
      if (auto hit = world_.idempotent_hit(name, key, req.body)) {
        if (auto* e = std::get_if<Error>(&*hit)) return error(*e);
        HttpResponse r{200, std::get<std::string>(*hit), "application/json", {{"Idempotency-Hit", "true"}}};
        return r;
      }
    auto body = body_json(req, false);
    if (auto* r = std::get_if<HttpResponse>(&body)) return *r;
    auto& o = std::get<json::value>(body).get_object();
    NewTransaction tx;
    auto* postings = o.if_contains("postings");
    bool has_postings = postings && !postings->is_null() && !(postings->is_array() && postings->get_array().empty());
    if (o.contains("script") && !o.at("script").is_null()) {
      if (has_postings) return validation("cannot pass postings and numscript in the same request");
      return validation("numscript is not supported by this emulator: send postings");
    }
    if (has_postings) {
      if (!postings->is_array()) return validation("'postings' must be an array");
      size_t i = 0;
      for (auto& pv : postings->get_array()) {
        std::string at = "postings[" + std::to_string(i++) + "]";
        if (!pv.is_object()) return validation(at + " must be an object");
        auto& po = pv.get_object();
        Posting p;
        for (auto [field, dst] : {std::pair{"source", &p.source}, {"destination", &p.destination}, {"asset", &p.asset}}) {
          auto* v = po.if_contains(field);
          if (!v || !v->is_string()) return validation(at + "." + field + " must be a string");
          *dst = std::string(v->get_string());
        }
        auto* amount = po.if_contains("amount");
        if (!amount || amount->is_null()) return validation("no amount defined");
        auto digits = util::integer_text(*amount);
        if (!digits) return validation(at + ".amount must be an integer");
        p.amount = Int(*digits);
        tx.postings.push_back(std::move(p));
      }
    }
    if (auto* ts = o.if_contains("timestamp"); ts && !ts->is_null()) {
      auto ms = ts->is_string() ? cx::time::parse_rfc3339(std::string(ts->get_string())) : std::nullopt;
      if (!ms) return validation("'timestamp' must be an RFC 3339 date-time");
      tx.timestamp_ms = ms;
    }
    if (auto* r = o.if_contains("reference"); r && !r->is_null()) {
      if (!r->is_string()) return validation("'reference' must be a string");
      tx.reference = std::string(r->get_string());
    }
    auto meta = string_map(o.contains("metadata") ? o.at("metadata") : json::value(), "metadata");
    if (auto* e = std::get_if<std::string>(&meta)) return validation(*e);
    tx.metadata = std::get<0>(meta);
    tx.force = truthy(req.param("force")) || (o.contains("force") && o.at("force").is_bool() && o.at("force").get_bool());
    tx.dry_run = truthy(req.param("dryRun"));
    auto posted = world_.post(name, std::move(tx));
    if (auto* e = std::get_if<Error>(&posted)) return error(*e);
    auto res = json_response(200, json::object{{"data", transaction_json(out, std::get<Transaction>(posted))}});
    if (!key.empty()) world_.remember_idempotent(name, key, req.body, res.body);
    return res;
  }
  if (seg.size() == 3 && seg[2] == "transactions" && m == "GET") {
    auto page = page_of(req, {"pit"});
    if (auto* r = std::get_if<HttpResponse>(&page)) return *r;
    auto& p = std::get<Page>(page);
    auto pit = pit_of(p.params);
    if (auto* r = std::get_if<HttpResponse>(&pit)) return *r;
    auto txs = world_.transactions(name, p.offset, p.size + 1, std::get<0>(pit));
    if (auto* e = std::get_if<Error>(&txs)) return error(*e);
    auto& list = std::get<std::vector<Transaction>>(txs);
    json::array data;
    for (size_t i = 0; i < list.size() && i < p.size; ++i) data.push_back(transaction_json(out, list[i]));
    return json_response(200, cursor_json(p, std::move(data), list.size() > p.size));
  }
  if (seg.size() == 4 && seg[2] == "transactions" && m == "GET") {
    const std::string& id = seg[3];
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
      return validation("invalid transaction id: " + id);
    auto tx = world_.transaction(name, std::stoull(id));
    if (auto* e = std::get_if<Error>(&tx)) return error(*e);
    return json_response(200, json::object{{"data", transaction_json(out, std::get<Transaction>(tx))}});
  }

  // --- accounts ---
  if (seg.size() == 3 && seg[2] == "accounts" && m == "GET") {
    auto page = page_of(req, {"query", "expand"});
    if (auto* r = std::get_if<HttpResponse>(&page)) return *r;
    auto& p = std::get<Page>(page);
    if (!p.params.contains("query") && req.body.find_first_not_of(" \t\r\n") != std::string::npos) p.params["query"] = req.body;
    auto filter = filter_of(req, p.params);
    if (auto* r = std::get_if<HttpResponse>(&filter)) return *r;
    bool with_volumes = p.params.contains("expand") && std::string(p.params.at("expand").as_string()).find("volumes") != std::string::npos;
    auto list = world_.accounts(name, std::get<Filter>(filter), p.offset, p.size + 1);
    if (auto* e = std::get_if<Error>(&list)) return error(*e);
    auto& accounts = std::get<std::vector<Account>>(list);
    json::array data;
    for (size_t i = 0; i < accounts.size() && i < p.size; ++i) data.push_back(account_json(out, accounts[i], with_volumes));
    return json_response(200, cursor_json(p, std::move(data), accounts.size() > p.size));
  }
  if (seg.size() == 4 && seg[2] == "accounts" && m == "GET") {
    auto a = world_.account(name, seg[3]);
    if (auto* e = std::get_if<Error>(&a)) return error(*e);
    return json_response(200, json::object{{"data", account_json(out, std::get<Account>(a), true)}});
  }
  if (seg.size() == 5 && seg[2] == "accounts" && seg[4] == "metadata" && m == "POST") {
    auto body = body_json(req, false);
    if (auto* r = std::get_if<HttpResponse>(&body)) return *r;
    auto meta = string_map(std::get<json::value>(body), "metadata");
    if (auto* e = std::get_if<std::string>(&meta)) return validation(*e);
    if (auto err = world_.set_account_metadata(name, seg[3], std::get<0>(meta))) return error(*err);
    return HttpResponse{204, "", "application/json", {}};
  }

  // --- aggregated balances ---
  if (seg.size() == 4 && seg[2] == "aggregate" && seg[3] == "balances" && m == "GET") {
    json::object params;
    for (auto k : {"pit", "query"})
      if (auto v = req.param(k)) params[k] = *v;
    auto pit = pit_of(params);
    if (auto* r = std::get_if<HttpResponse>(&pit)) return *r;
    auto filter = filter_of(req, params);
    if (auto* r = std::get_if<HttpResponse>(&filter)) return *r;
    BalancesQuery q{std::get<Filter>(filter), std::get<0>(pit),
                    truthy(req.param("useInsertionDate")) || truthy(req.param("use_insertion_date"))};
    auto balances = world_.aggregate_balances(name, q);
    if (auto* e = std::get_if<Error>(&balances)) return error(*e);
    json::object data;
    for (auto& [asset, amount] : std::get<std::map<std::string, Int>>(balances)) data[asset] = out.num(amount);
    return json_response(200, json::object{{"data", std::move(data)}});
  }
  return no_route();
}

}  // namespace cx::sandbox::ledger
