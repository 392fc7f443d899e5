#include "checks.hpp"

#include "elf_symbols.hpp"
#include "output_check.hpp"

#include <algorithm>
#include <cctype>
#include <latch>
#include <map>
#include <regex>
#include <set>
#include <thread>

namespace cx::conformance {
namespace {

constexpr int64_t kCallBudgetMs = 30'000;  // deadline of an ordinary call
constexpr int64_t kStallDeadlineMs = 200;  // deadline of the stalled call
constexpr int64_t kDeadlineGraceMs = 1000; // how late a stalled op may return
constexpr int kMaxPages = 100;

std::string describe(const Outcome& o) {
  if (o.code == CX_OK) return "CX_OK";
  std::string s = code_name(o.code) + " \"" + o.message() + "\"";
  if (!o.field().empty()) s += " field=" + o.field();
  return s;
}

void harvest(Context& ctx, const ScriptHost& host) {
  for (auto& l : host.logs()) ctx.texts.push_back(l);
}
void harvest(Context& ctx, const Outcome& o) {
  if (!o.err.empty()) ctx.texts.push_back(o.err);
}

std::string config_text(const boost::json::object& c) { return boost::json::serialize(c); }

/// The op's item array key in its response (OPS.md "Polling"), or "" for other ops.
std::string items_key(const std::string& op) {
  if (op == "fetch_accounts") return "accounts";
  if (op == "fetch_balances") return "balances";
  if (op == "fetch_external_accounts") return "externalAccounts";
  if (op == "fetch_payments") return "payments";
  return {};
}

/// Puts item at the dotted path in request (creating objects on the way).
void place(boost::json::object& request, const std::string& path, const boost::json::value& item) {
  boost::json::object* at = &request;
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (dot == std::string::npos) {
      (*at)[key] = item;
      return;
    }
    auto& next = (*at)[key];
    if (!next.is_object()) next = boost::json::object{};
    at = &next.get_object();
    start = dot + 1;
  }
}

/// A config-schema property's declared type, or "".
std::string declared_type(const boost::json::object& schema, const std::string& field) {
  auto* props = schema.if_contains("properties");
  if (!props || !props->is_object()) return {};
  auto* p = props->get_object().if_contains(field);
  if (!p || !p->is_object()) return {};
  auto* t = p->get_object().if_contains("type");
  return t && t->is_string() ? std::string(t->get_string()) : std::string{};
}

boost::json::value wrong_value_for(const std::string& type) {
  if (type == "string") return 12345;
  if (type == "boolean") return "not-a-boolean";
  if (type == "object" || type == "array") return boost::json::string("not-an-" + type);
  return "not-a-number";  // integer, number
}

bool names_field(const Outcome& o, const std::string& field) {
  return o.field() == field || o.message().find(field) != std::string::npos;
}

}  // namespace

void check_descriptor(Context& ctx) {
  const cx_connector& d = ctx.plugin.descriptor();
  auto& r = ctx.report;
  std::string id = d.id ? d.id : "";
  r.check(!id.empty() && std::regex_match(id, std::regex("[a-z0-9_]+")) && id == ctx.stem, "descriptor.id",
          "id \"" + id + "\", file stem \"" + ctx.stem + "\"");
  uint32_t major = CX_ABI_MAJOR(d.abi_version), minor = CX_ABI_MINOR(d.abi_version);
  bool abi_ok = major == CX_ABI_VERSION_MAJOR && minor <= CX_ABI_VERSION_MINOR &&
                ctx.plugin.reported_size() >= CX_CONNECTOR_SIZE_1_0;
  r.check(abi_ok, "descriptor.abi",
          "ABI " + std::to_string(major) + "." + std::to_string(minor) + ", struct_size " +
              std::to_string(ctx.plugin.reported_size()) + " (this kit: " + std::to_string(CX_ABI_VERSION_MAJOR) + "." +
              std::to_string(CX_ABI_VERSION_MINOR) + ", needs >= " + std::to_string(CX_CONNECTOR_SIZE_1_0) + ")");
  r.check(d.create && d.destroy, "descriptor.lifecycle", d.create && d.destroy ? "" : "create() or destroy() is NULL");

  // Capability bits <-> op slots, both ways.
  std::vector<std::string> problems;
  const uint64_t known = (CX_CAP_OPEN_BANKING << 1) - 1;
  if (d.capabilities & ~known) problems.push_back("unknown capability bits set");
  for (const auto& s : op_slots()) {
    if (!s.capability) continue;
    bool has_slot = (d.*(s.slot)) != nullptr, has_cap = (d.capabilities & s.capability) != 0;
    if (has_cap && !has_slot) problems.push_back(std::string(s.name) + " is promised by a capability but NULL");
    if (has_slot && !has_cap) problems.push_back(std::string(s.name) + " is implemented without its capability bit");
  }
  std::string detail;
  for (auto& p : problems) detail += (detail.empty() ? "" : "; ") + p;
  r.check(problems.empty(), "descriptor.capabilities", detail);

  // Config schema: JSON, an object schema whose required fields are declared properties.
  std::string schema_problem;
  if (d.config_schema_json) {
    boost::system::error_code ec;
    auto v = boost::json::parse(d.config_schema_json, ec);
    if (ec || !v.is_object()) {
      schema_problem = "config_schema_json is not a JSON object";
    } else {
      const auto& s = v.get_object();
      auto* type = s.if_contains("type");
      auto* props = s.if_contains("properties");
      auto* req = s.if_contains("required");
      if (type && !(type->is_string() && type->get_string() == "object")) schema_problem = "\"type\" must be \"object\"";
      else if (props && !props->is_object()) schema_problem = "\"properties\" must be an object";
      else if (req && !req->is_array()) schema_problem = "\"required\" must be an array";
      if (schema_problem.empty() && props)
        for (auto& [k, p] : props->get_object()) {
          auto* t = p.is_object() ? p.get_object().if_contains("type") : nullptr;
          static const std::set<std::string> types{"string", "integer", "number", "boolean", "object", "array"};
          if (!p.is_object()) schema_problem = "property " + std::string(k) + " is not an object";
          else if (t && (!t->is_string() || !types.count(std::string(t->get_string()))))
            schema_problem = "property " + std::string(k) + " has an unknown type";
        }
      if (schema_problem.empty() && req)
        for (auto& f : req->get_array())
          if (!f.is_string() || !props || !props->get_object().contains(f.get_string()))
            schema_problem = "required field " + boost::json::serialize(f) + " is not a declared property";
      if (schema_problem.empty())
        if (auto p = config_schema_problem(v)) schema_problem = *p;
    }
  }
  r.check(schema_problem.empty(), "descriptor.config_schema",
          d.config_schema_json ? schema_problem : "no config schema (no fields)");
}

void check_symbols(Context& ctx) {
  DynamicSymbols syms;
  try {
    syms = read_dynamic_symbols(ctx.plugin.path());
  } catch (const std::exception& e) {
    ctx.report.fail("symbols.exports", e.what());
    ctx.report.fail("symbols.no_sockets", e.what());
    return;
  }
  bool one = syms.defined.size() == 1 && syms.defined[0] == CX_ENTRY_SYMBOL;
  std::string list;
  for (size_t i = 0; i < syms.defined.size() && i < 8; ++i) list += (i ? ", " : "") + syms.defined[i];
  if (syms.defined.size() > 8) list += ", … (" + std::to_string(syms.defined.size()) + " in all)";
  ctx.report.check(one, "symbols.exports", one ? "" : "exports: " + list);
  // All egress goes through host().http(): a plugin importing the socket API bypasses the allowlist.
  static const std::set<std::string> network{"socket",   "connect",      "bind",          "listen",
                                             "accept",   "accept4",      "socketpair",    "getaddrinfo",
                                             "gethostbyname", "gethostbyname_r", "sendto", "recvfrom",
                                             "sendmsg",  "recvmsg"};
  std::string bad;
  for (const auto& u : syms.undefined) {
    std::string base = u.substr(0, u.find('@'));
    if (network.count(base)) bad += (bad.empty() ? "" : ", ") + base;
  }
  ctx.report.check(bad.empty(), "symbols.no_sockets", bad.empty() ? "" : "imports " + bad);
}

void check_config(Context& ctx) {
  auto& r = ctx.report;
  Fixtures none;
  const Fixtures& fx = ctx.fixtures ? *ctx.fixtures : none;
  {
    ScriptHost host(fx);
    Instance inst(ctx.plugin, host, config_text(ctx.config));
    harvest(ctx, host);
    harvest(ctx, inst.created());
    r.check(inst.ok(), "config.valid", inst.ok() ? "" : "the --config file is refused: " + describe(inst.created()));
  }
  {
    boost::json::object c = ctx.config;
    c["cxConformanceUnknownField"] = "ignored";
    ScriptHost host(fx);
    Instance inst(ctx.plugin, host, config_text(c));
    harvest(ctx, host);
    harvest(ctx, inst.created());
    r.check(inst.ok(), "config.unknown_field_accepted", inst.ok() ? "" : describe(inst.created()));
  }
  const char* schema_text = ctx.plugin.descriptor().config_schema_json;
  if (!schema_text) return;
  boost::system::error_code ec;
  auto schema = boost::json::parse(schema_text, ec);
  if (ec || !schema.is_object()) return;  // reported by descriptor.config_schema
  auto* req = schema.get_object().if_contains("required");
  if (!req || !req->is_array()) return;
  for (auto& f : req->get_array()) {
    if (!f.is_string()) continue;
    std::string field(f.get_string());
    for (bool missing : {true, false}) {
      boost::json::object c = ctx.config;
      std::string type = declared_type(schema.get_object(), field);
      std::string name = std::string(missing ? "config.missing." : "config.invalid.") + field;
      if (missing) {
        c.erase(field);
      } else {
        if (type.empty()) {
          r.skip(name, "no declared type");
          continue;
        }
        c[field] = wrong_value_for(type);
      }
      ScriptHost host(fx);
      Instance inst(ctx.plugin, host, config_text(c));
      harvest(ctx, host);
      harvest(ctx, inst.created());
      const Outcome& o = inst.created();
      bool ok = o.code == CX_ERR_INVALID_ARGUMENT && names_field(o, field);
      r.check(ok, name, ok ? "" : "want CX_ERR_INVALID_ARGUMENT naming " + field + ", got " + describe(o));
    }
  }
}

namespace {

/// Runs one op from its first request to hasMore=false, then replays the last state.
/// Returns the first item produced (feeds child ops).
boost::json::value run_pages(Context& ctx, ScriptHost& host, const Instance& inst, const std::string& op,
                             const boost::json::object& first) {
  auto& r = ctx.report;
  const std::string key = items_key(op);
  boost::json::object req = first;
  std::set<std::string> seen;
  std::map<std::string, boost::json::value> delivered;  // reference -> item as first delivered
  std::vector<std::string> dups, output_problems;
  boost::json::value first_item;
  bool ended = false, failed = false, stuck = false;
  int pages = 0;
  size_t items = 0;
  boost::json::value last_state;
  for (; pages < kMaxPages; ++pages) {
    Outcome o = inst.call(op, req, wall_ms() + kCallBudgetMs);
    harvest(ctx, o);
    if (o.code != CX_OK) {
      std::string detail = "page " + std::to_string(pages + 1) + ": " + describe(o);
      auto un = host.unmatched();
      if (!un.empty()) detail += " (no recorded answer for " + un.back() + ")";
      r.fail("ops." + op, detail);
      failed = true;
      break;
    }
    boost::json::value out = o.out_json();
    if (auto problem = output_problem(op, out)) output_problems.push_back("page " + std::to_string(pages + 1) + ": " + *problem);
    if (key.empty() || !out.is_object()) {
      ended = true;
      break;
    }
    const auto& obj = out.get_object();
    if (auto* arr = obj.if_contains(key); arr && arr->is_array())
      for (auto& item : arr->get_array()) {
        ++items;
        if (first_item.is_null()) first_item = item;
        auto* ref = item.is_object() ? item.get_object().if_contains("reference") : nullptr;
        if (ref && ref->is_string() && !seen.insert(std::string(ref->get_string())).second)
          dups.push_back(std::string(ref->get_string()));
        if (ref && ref->is_string()) delivered.emplace(std::string(ref->get_string()), item);
      }
    auto* more = obj.if_contains("hasMore");
    auto* ns = obj.if_contains("newState");
    boost::json::value next_state = ns ? *ns : boost::json::value();
    if (!more || !more->is_bool() || !more->get_bool()) {
      ended = true;
      last_state = next_state;
      break;
    }
    if (next_state == req["state"]) {
      stuck = true;
      break;
    }
    req["state"] = next_state;
  }
  if (failed) return first_item;
  r.pass("ops." + op, std::to_string(pages + (ended ? 1 : 0)) + " page(s), " + std::to_string(items) + " item(s)");
  std::string odetail;
  for (auto& p : output_problems) odetail += (odetail.empty() ? "" : "; ") + p;
  r.check(output_problems.empty(), "outputs." + op, odetail);
  if (key.empty()) return first_item;
  r.check(ended && !stuck, "pagination." + op + ".ends",
          stuck ? "hasMore=true with newState equal to the state it was given" :
          ended ? "" : "still hasMore after " + std::to_string(kMaxPages) + " pages");
  std::string ddetail;
  for (auto& d : dups) ddetail += (ddetail.empty() ? "reference(s) returned twice: " : ", ") + d;
  r.check(dups.empty(), "pagination." + op + ".no_duplicates", ddetail);
  if (!ended) return first_item;
  // Replay: the host calls again with the last newState at the next tick; nothing seen may return.
  if (seen.empty() && op == "fetch_balances") {
    r.skip("pagination." + op + ".replay", "balances are snapshots without references");
    return first_item;
  }
  req["state"] = last_state;
  Outcome o = inst.call(op, req, wall_ms() + kCallBudgetMs);
  harvest(ctx, o);
  if (o.code != CX_OK) {
    std::string detail = "replay of the last state: " + describe(o);
    auto un = host.unmatched();
    if (!un.empty()) detail += " (no recorded answer for " + un.back() + ")";
    r.fail("pagination." + op + ".replay", detail);
    return first_item;
  }
  // Payments are incremental: a replay returns none already delivered. Account lists may be full
  // listings (the host upserts by reference), so an account may come back, but unchanged.
  std::vector<std::string> again;
  size_t unchanged = 0;
  boost::json::value out = o.out_json();
  if (out.is_object())
    if (auto* arr = out.get_object().if_contains(key); arr && arr->is_array())
      for (auto& item : arr->get_array()) {
        auto* ref = item.is_object() ? item.get_object().if_contains("reference") : nullptr;
        if (!ref || !ref->is_string()) continue;
        auto it = delivered.find(std::string(ref->get_string()));
        if (it == delivered.end()) continue;
        if (op != "fetch_payments" && it->second == item) ++unchanged;
        else again.push_back(std::string(ref->get_string()));
      }
  std::string adetail;
  for (auto& a : again) adetail += (adetail.empty() ? "replay of the last state returned again: " : ", ") + a;
  if (again.empty() && unchanged)
    adetail = std::to_string(unchanged) + " item(s) listed again unchanged (a full listing; the host's upsert is a no-op)";
  r.check(again.empty(), "pagination." + op + ".replay", adetail);
  return first_item;
}

struct ErrorClass {
  const char* name;
  Fault fault;
  int32_t want;
};

std::vector<ErrorClass> error_classes() {
  auto resp = [](int status, std::string body, std::map<std::string, std::string> headers = {}) {
    Fault f;
    f.kind = Fault::Kind::response;
    f.response = HttpResponse{status, std::move(headers), std::move(body)};
    return f;
  };
  Fault transport;
  transport.kind = Fault::Kind::transport;
  transport.code = CX_ERR_UPSTREAM;
  const std::map<std::string, std::string> json{{"content-type", "application/json"}};
  return {
      {"401", resp(401, R"({"error":"unauthorized"})", json), CX_ERR_AUTH},
      {"403", resp(403, R"({"error":"forbidden"})", json), CX_ERR_AUTH},
      {"404", resp(404, R"({"error":"not found"})", json), CX_ERR_NOT_FOUND},
      {"408", resp(408, "request timeout"), CX_ERR_UPSTREAM},
      {"429", resp(429, R"({"error":"slow down"})", {{"content-type", "application/json"}, {"retry-after", "7"}}),
       CX_ERR_RATE_LIMITED},
      {"500", resp(500, "internal server error"), CX_ERR_UPSTREAM},
      {"503", resp(503, "unavailable"), CX_ERR_UPSTREAM},
      {"garbage_2xx", resp(200, "<html>this is not JSON", {{"content-type", "text/html"}}), CX_ERR_UPSTREAM},
      {"transport", transport, CX_ERR_UPSTREAM},
  };
}

void check_errors(Context& ctx, const Instance& inst, ScriptHost& host, const std::string& op,
                  const boost::json::object& request) {
  for (const auto& ec : error_classes()) {
    host.set_fault(ec.fault);
    Outcome o = inst.call(op, request, wall_ms() + kCallBudgetMs);
    harvest(ctx, o);
    std::string name = "errors." + op + "." + ec.name;
    bool ok = o.code == ec.want;
    std::string detail = "want " + code_name(ec.want) + ", got " + describe(o);
    if (ok && ec.want == CX_ERR_RATE_LIMITED) {
      // Retry-After: 7 (RFC 9110 §10.2.3, delay-seconds) must reach the host as retryAfterMs.
      ok = o.retry_after_ms() >= 7000 && o.retry_after_ms() <= 8000;
      detail = "Retry-After: 7 gave retryAfterMs " + std::to_string(o.retry_after_ms()) + " (want 7000)";
    }
    ctx.report.check(ok, name, ok ? "" : detail);
  }
  // Provider data is hostile: a wrong-shaped 2xx may be refused or read as empty, never INTERNAL.
  Fault shape;
  shape.kind = Fault::Kind::response;
  shape.response = HttpResponse{200, {{"content-type", "application/json"}}, R"([42,"x",null,{"id":{}}])"};
  host.set_fault(shape);
  Outcome o = inst.call(op, request, wall_ms() + kCallBudgetMs);
  harvest(ctx, o);
  ctx.report.check(o.code != CX_ERR_INTERNAL, "errors." + op + ".wrong_shape_2xx",
                   o.code == CX_ERR_INTERNAL ? "provider data yielded " + describe(o) : "");
  host.set_fault({});
}

void check_deadline(Context& ctx, const Instance& inst, ScriptHost& host, const std::string& op,
                    const boost::json::object& request) {
  // Every exchange of the normal run carried the op's cx_call, so the host could bound it.
  size_t without = 0;
  for (auto& s : host.requests())
    if (!s.with_call || s.deadline_ms <= 0) ++without;
  ctx.report.check(without == 0, "deadline." + op + ".propagated",
                   without ? std::to_string(without) + " http call(s) without the op's cx_call (pass &call)" : "");
  Fault stall;
  stall.kind = Fault::Kind::stall;
  host.set_fault(stall);
  int64_t deadline = wall_ms() + kStallDeadlineMs;
  Outcome o = inst.call(op, request, deadline);
  harvest(ctx, o);
  host.set_fault({});
  int64_t late = wall_ms() - deadline;
  bool ok = o.code == CX_ERR_TIMEOUT && late <= kDeadlineGraceMs;
  ctx.report.check(ok, "deadline." + op + ".honoured",
                   ok ? "" : "provider stalls past a " + std::to_string(kStallDeadlineMs) + " ms deadline: got " +
                                 describe(o) + ", returned " + std::to_string(late) + " ms after the deadline");
}

void check_concurrency(Context& ctx, const Instance& inst, const std::string& op, const boost::json::object& request) {
  Outcome a, b;
  std::latch start(2);
  auto run = [&](Outcome& o) {
    start.arrive_and_wait();
    o = inst.call(op, request, wall_ms() + kCallBudgetMs);
  };
  std::thread t1(run, std::ref(a)), t2(run, std::ref(b));
  t1.join();
  t2.join();
  harvest(ctx, a);
  harvest(ctx, b);
  bool ok = a.code == CX_OK && b.code == CX_OK && a.out_json() == b.out_json();
  ctx.report.check(ok, "concurrency." + op,
                   ok ? "" : "two concurrent calls on one instance: " + describe(a) + " / " + describe(b) +
                                 (a.code == CX_OK && b.code == CX_OK ? " with different outputs" : ""));
}

}  // namespace

void check_ops(Context& ctx) {
  if (!ctx.fixtures) {
    ctx.report.skip("ops", "no --fixtures: op, error-class, deadline and concurrency checks need recorded answers");
    return;
  }
  ScriptHost host(*ctx.fixtures);
  Instance inst(ctx.plugin, host, config_text(ctx.config));
  harvest(ctx, inst.created());
  if (!inst.ok()) {
    ctx.report.fail("ops", "cannot create an instance from --config: " + describe(inst.created()));
    harvest(ctx, host);
    return;
  }
  std::map<std::string, boost::json::value> first_items;
  std::string concurrent_op;
  boost::json::object concurrent_req;
  for (const auto& spec : ctx.fixtures->ops) {
    if (!find_op(spec.op)) {
      ctx.report.fail("ops." + spec.op, "no such op");
      continue;
    }
    boost::json::object request = spec.request;
    if (!spec.parent.empty()) {
      auto it = first_items.find(spec.parent);
      if (it == first_items.end() || it->second.is_null()) {
        ctx.report.fail("ops." + spec.op, "its parent " + spec.parent + " produced no item (list it first)");
        continue;
      }
      place(request, spec.into, it->second);
    }
    host.clear_records();
    first_items[spec.op] = run_pages(ctx, host, inst, spec.op, request);
    if (host.requests().empty()) {
      // Nothing reached the provider (e.g. answered from state): no exchange to fault or stall.
      for (const char* group : {"deadline.", "errors."})
        ctx.report.skip(group + spec.op, "the op made no provider call on its fixtures");
    } else {
      check_deadline(ctx, inst, host, spec.op, request);
      check_errors(ctx, inst, host, spec.op, request);
    }
    if (concurrent_op.empty() && !items_key(spec.op).empty()) {
      concurrent_op = spec.op;
      concurrent_req = request;
    }
  }
  if (!concurrent_op.empty()) check_concurrency(ctx, inst, concurrent_op, concurrent_req);
  harvest(ctx, host);
}

void check_secrets(Context& ctx) {
  // Same rule as the daemon's redaction: string config values under a key naming a secret.
  std::vector<std::pair<std::string, std::string>> secrets;
  for (auto& [k, v] : ctx.config) {
    std::string key(k);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    bool secret = false;
    for (const char* word : {"secret", "token", "key", "password"}) secret |= key.find(word) != std::string::npos;
    if (secret && v.is_string() && v.get_string().size() >= 4) secrets.emplace_back(std::string(k), std::string(v.get_string()));
  }
  if (secrets.empty()) {
    ctx.report.skip("secrets.not_logged", "no secret-looking field (secret, token, key, password) in --config");
    return;
  }
  std::string leaked;
  for (auto& [field, value] : secrets)
    for (auto& t : ctx.texts)
      if (t.find(value) != std::string::npos) {
        leaked += (leaked.empty() ? "" : "; ") + field + " appears in: " + t.substr(0, 120);
        break;
      }
  ctx.report.check(leaked.empty(), "secrets.not_logged",
                   leaked.empty() ? std::to_string(ctx.texts.size()) + " log line(s) and error(s) scanned" : leaked);
}

}  // namespace cx::conformance
