#include "host/engine/internal.hpp"

#include "host/util/encoding.hpp"

#include <connectivity/time.hpp>

#include <botan/hash.h>
#include <botan/hex.h>

namespace cx::engine {

ids::ConnectorID connector_of(const std::string& encoded) {
  auto c = ids::decode_connector_id(encoded);
  if (!c) throw EngineError(400, "INVALID_ID", "connectorID: not a valid connector id");
  return *c;
}

boost::json::object token_json(const store::TokenValue& t) {
  boost::json::object o{{"token", t.token}};
  if (t.expires_at) o["expiresAt"] = time::format_rfc3339(*t.expires_at);
  return o;
}

std::optional<store::TokenValue> token_from(const boost::json::value* v) {
  if (!v || !v->is_object()) return std::nullopt;
  auto& o = v->get_object();
  auto* tok = o.if_contains("token");
  if (!tok || !tok->is_string() || tok->get_string().empty()) return std::nullopt;
  store::TokenValue t{std::string(tok->get_string()), std::nullopt};
  if (auto* e = o.if_contains("expiresAt"); e && e->is_string()) t.expires_at = time::parse_rfc3339(e->get_string());
  return t;
}

boost::json::object multimap_json(const std::map<std::string, std::vector<std::string>>& m) {
  boost::json::object o;
  for (auto& [k, vs] : m) o[k] = boost::json::value_from(vs);
  return o;
}

namespace {
boost::json::value metadata_json(const store::Metadata& m) { return boost::json::value_from(m); }
void put_opt(boost::json::object& o, const char* k, const std::optional<std::string>& v) {
  if (v) o[k] = *v;
}
}  // namespace

boost::json::object psu_json(const store::PsuRecord& p) {
  boost::json::object o{{"id", p.id}, {"name", p.name}, {"createdAt", time::format_rfc3339(p.created_at)},
                        {"metadata", metadata_json(p.metadata)}};
  if (p.contact_details) {
    boost::json::object c;
    put_opt(c, "email", p.contact_details->email);
    put_opt(c, "phoneNumber", p.contact_details->phone_number);
    put_opt(c, "locale", p.contact_details->locale);
    o["contactDetails"] = c;
  }
  if (p.address) {
    boost::json::object a;
    put_opt(a, "streetName", p.address->street_name);
    put_opt(a, "streetNumber", p.address->street_number);
    put_opt(a, "city", p.address->city);
    put_opt(a, "region", p.address->region);
    put_opt(a, "postalCode", p.address->postal_code);
    put_opt(a, "country", p.address->country);
    o["address"] = a;
  }
  return o;
}

boost::json::object forwarded_user_json(const store::ForwardedUserRecord& u, const std::optional<store::TokenValue>& token) {
  boost::json::object o{{"psuID", u.psu_id}, {"connectorID", u.connector_id}, {"metadata", metadata_json(u.metadata)}};
  put_opt(o, "providerUserID", u.provider_user_id);
  if (token) o["accessToken"] = token_json(*token);
  return o;
}

boost::json::object connection_json(const store::ConnectionRecord& c) {
  boost::json::object o{{"connectionID", c.connection_id}, {"createdAt", time::format_rfc3339(c.created_at)},
                        {"metadata", metadata_json(c.metadata)}, {"status", c.status}};
  if (c.access_token) o["accessToken"] = token_json(*c.access_token);
  return o;
}

boost::json::value call_sync(const plugin::ConnectorInstance& inst, plugin::Op op, const boost::json::object& request,
                             int64_t timeout_ms) {
  auto r = inst.call_within(op, boost::json::serialize(request), timeout_ms);
  if (!r.ok()) throw from_plugin(r.code, r.message());
  boost::system::error_code ec;
  auto out = boost::json::parse(r.out, ec);
  if (ec) throw EngineError(500, "INTERNAL", "connector " + inst.id() + " returned invalid JSON from " + plugin::op_name(op));
  return out;
}

boost::json::array default_workflow(const plugin::PluginLibrary& lib) {
  auto task = [](const char* type, boost::json::array next = {}) {
    return boost::json::object{{"taskType", type}, {"name", type}, {"periodically", true}, {"nextTasks", std::move(next)}};
  };
  boost::json::array tree;
  if (lib.has_capability(CX_CAP_FETCH_ACCOUNTS)) {
    boost::json::array next;
    if (lib.has_capability(CX_CAP_FETCH_BALANCES)) next.push_back(task("FETCH_BALANCES"));
    tree.push_back(task("FETCH_ACCOUNTS", std::move(next)));
  }
  if (lib.has_capability(CX_CAP_FETCH_EXTERNAL_ACCOUNTS)) tree.push_back(task("FETCH_EXTERNAL_ACCOUNTS"));
  if (lib.has_capability(CX_CAP_FETCH_PAYMENTS)) tree.push_back(task("FETCH_PAYMENTS"));
  if (lib.has_capability(CX_CAP_CREATE_WEBHOOKS)) {
    auto w = task("CREATE_WEBHOOKS");
    w["periodically"] = false;
    tree.push_back(std::move(w));
  }
  return tree;
}

std::optional<plugin::Op> fetch_op(std::string_view t) {
  if (t == "FETCH_ACCOUNTS") return plugin::Op::FetchAccounts;
  if (t == "FETCH_BALANCES") return plugin::Op::FetchBalances;
  if (t == "FETCH_EXTERNAL_ACCOUNTS") return plugin::Op::FetchExternalAccounts;
  if (t == "FETCH_PAYMENTS") return plugin::Op::FetchPayments;
  return std::nullopt;
}

namespace {
boost::json::object fetch_payload(const std::string& connector_id, const boost::json::object& node,
                                  const std::optional<std::string>& psu_id, const std::optional<std::string>& connection_id) {
  std::string type(node.at("taskType").as_string());
  boost::json::object p{{"connectorID", connector_id},
                        {"taskType", type},
                        {"nextTasks", node.contains("nextTasks") ? node.at("nextTasks") : boost::json::array{}},
                        {"stateKey", connection_id ? type + "-" + *connection_id : type}};
  if (psu_id) p["psuID"] = *psu_id;
  if (connection_id) {
    p["connectionID"] = *connection_id;
    p["connectionRoot"] = true;  // its end marks the connection's data as synced
  }
  return p;
}

std::string schedule_ref(const std::string& type, const std::optional<std::string>& connection_id) {
  return connection_id ? type + "-" + *connection_id : type;
}
}  // namespace

void schedule_fetches(store::WriteTx& tx, const std::string& connector_id, const boost::json::array& workflow,
                      int64_t period_ms, const std::optional<std::string>& psu_id,
                      const std::optional<std::string>& connection_id) {
  auto connector = connector_of(connector_id);
  for (auto& v : workflow) {
    auto& node = v.as_object();
    std::string type(node.at("taskType").as_string());
    if (!fetch_op(type) || !node.contains("periodically") || !node.at("periodically").as_bool()) continue;
    std::string ref = schedule_ref(type, connection_id);
    store::ScheduleRecord s;
    s.id = ids::encode(ids::ScopedID{connector, ref});
    s.connector_id = connector_id;
    s.task = boost::json::object{{"type", task_type::kFetch},
                                 {"reference", "fetch-" + digest(ref)},
                                 {"payload", fetch_payload(connector_id, node, psu_id, connection_id)}};
    s.period_ms = period_ms;
    s.next_run_at = tx.now();  // first run at once
    s.created_at = tx.now();
    store::schedules::upsert(tx, s);
  }
}

void unschedule_connection(store::WriteTx& tx, const std::string& connector_id, const std::string& connection_id) {
  for (auto& id : store::schedules::remove_for_connection(tx, connector_id, connection_id))
    store::plugin_state::remove(tx, connector_id, schedule_parent_key(id));
}

void enqueue_fetches_now(store::WriteTx& tx, const std::string& connector_id, const boost::json::array& workflow,
                         const std::optional<std::string>& psu_id, const std::optional<std::string>& connection_id,
                         const std::vector<std::string>& only_types) {
  auto connector = connector_of(connector_id);
  for (auto& v : workflow) {
    auto& node = v.as_object();
    std::string type(node.at("taskType").as_string());
    if (!fetch_op(type)) continue;
    if (!only_types.empty() && std::find(only_types.begin(), only_types.end(), type) == only_types.end()) continue;
    store::TaskRecord t;
    t.id = ids::encode(ids::ScopedID{connector, "fetch-" + digest(schedule_ref(type, connection_id)) + "-" + util::uuid_v4()});
    t.type = task_type::kFetch;
    t.connector_id = connector_id;
    t.payload = fetch_payload(connector_id, node, psu_id, connection_id);
    store::tasks::enqueue(tx, t);
  }
}

boost::json::array workflow_of(store::Tx& tx, const std::string& connector_id) {
  auto w = store::fetch_states::get(tx, connector_id, kWorkflowKey);
  return w && w->is_array() ? w->get_array() : boost::json::array{};
}

std::string digest(std::string_view text) {
  auto h = Botan::HashFunction::create_or_throw("SHA-256");
  h->update(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  auto d = h->final();
  return Botan::hex_encode(d.data(), 8, false);
}

}  // namespace cx::engine
