// The FETCH task: pages through one fetch op while hasMore, committing each page's items, the
// plugin's new state and the child tasks its items spawn in one transaction, so a crash resumes
// from the last committed page and never stores an item twice.
#include "host/engine/internal.hpp"
#include "host/engine/page_builder.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <connectivity/time.hpp>

namespace cx::engine {

namespace {
struct LeaseLost : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr int kMaxPages = 1000000;  // a plugin that never stops saying hasMore is cut off
constexpr int64_t kFetchCallTimeoutMs = 5 * 60 * 1000;

std::optional<std::string> opt_str(const boost::json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::optional<std::string>(std::string(v->get_string())) : std::nullopt;
}

/// The parent account as the plugin produced it (fromPayload of a FETCH_BALANCES child).
boost::json::value account_payload(const store::AccountRecord& a) {
  boost::system::error_code ec;
  auto raw = boost::json::parse(a.raw_json, ec);
  cx::Account acc;
  acc.reference = a.reference;
  acc.created_at = time::format_rfc3339(a.created_at);
  acc.name = a.name;
  acc.default_asset = a.default_asset;
  acc.metadata = a.metadata;
  acc.raw = ec ? boost::json::value(boost::json::object{}) : raw;
  acc.connection_id = a.connection_id;
  return boost::json::value_from(acc);
}

/// Where a child task's parent item is kept (sealed, in the connector's state) until it ran.
std::string parent_key(const std::string& task_id) { return "cx.parent/" + task_id; }

boost::json::value error_json(const plugin::CallResult& r) {
  boost::json::object e{{"message", r.message()}, {"code", r.code}};
  if (auto f = r.field(); !f.empty()) e["field"] = f;
  return e;
}
}  // namespace

TaskOutcome EngineTasks::fetch(Engine& e, const store::TaskRecord& t, const WorkerPool& pool) {
  const auto& p = t.payload.as_object();
  const std::string connector_id(p.at("connectorID").as_string());
  const std::string type(p.at("taskType").as_string());
  const std::string state_key(p.at("stateKey").as_string());
  const auto psu_id = opt_str(p, "psuID");
  const auto connection_id = opt_str(p, "connectionID");
  const auto parent_account_id = opt_str(p, "parentAccountID");
  // A per-item schedule's runs read the parent item its parent last produced (kept under the
  // schedule, see below); a one-off child reads the copy kept for it.
  const std::string parent_item_key = opt_str(p, "parentKey").value_or(parent_key(t.id));
  const boost::json::array next_tasks = p.contains("nextTasks") ? p.at("nextTasks").as_array() : boost::json::array{};

  auto live = e.runtime().get(connector_id);
  if (!live) return TaskOutcome::failed(boost::json::object{{"message", "connector not found"}});
  auto op = fetch_op(type);
  if (!op) return TaskOutcome::failed(boost::json::object{{"message", "not a fetch task: " + type}});
  const auto& inst = *live->instance;
  const auto connector = connector_of(connector_id);

  // Load what the plugin needs besides its state (decrypted here, never kept in the task row).
  boost::json::value state = nullptr, from_payload = nullptr;
  bool gone = false;
  e.db().read([&](store::ReadTx& tx) {
    if (auto s = store::fetch_states::get(tx, connector_id, state_key)) state = *s;
    if (parent_account_id) {
      // The parent item as the plugin last produced it (accounts are insert-once in the store,
      // so the stored copy would replay first-sync balances forever).
      if (auto fresh = store::plugin_state::get(tx, connector_id, parent_item_key)) {
        from_payload = boost::json::parse(*fresh);
      } else {
        auto acc = store::accounts::get(tx, *parent_account_id);
        if (!acc) { gone = true; return; }
        from_payload = account_payload(*acc);
      }
    }
    if (connection_id && psu_id) {
      auto conn = store::connections::get(tx, *psu_id, connector_id, *connection_id);
      auto user = store::forwarded_users::get(tx, *psu_id, connector_id);
      if (!conn || !user || conn->status != store::connection_status::kActive) { gone = true; return; }
      from_payload = boost::json::object{
          {"psuID", *psu_id},
          {"forwardedUser", forwarded_user_json(*user, store::provider_tokens::get(tx, *psu_id, connector_id))},
          {"connection", connection_json(*conn)},
          {"fromPayload", from_payload}};
    }
  });
  if (gone) return TaskOutcome::ok();  // parent account or connection removed meanwhile: nothing to fetch

  ItemOwner owner{connector_id, connector, psu_id, connection_id, &e.db().blind_index()};
  // Logs and errors name the connector as operators know it, not by its 150-character id.
  const std::string who = connector_label(live->record.name, live->record.provider);
  const std::string op_label = plugin::op_name(*op);
  for (int page = 0; page < kMaxPages; ++page) {
    if (pool.stopping()) return TaskOutcome::retry(boost::json::object{{"message", "daemon stopping"}});
    // Its provider rate-limited another task of this connector meanwhile: wait with them.
    if (auto until = pool.paused_until(connector_id, e.db().now())) return TaskOutcome::deferred(*until);
    boost::json::object req{{"state", state}, {"fromPayload", from_payload}, {"pageSize", e.options().fetch_page_size}};
    boost::json::value out;
    auto r = inst.call_json(*op, boost::json::serialize(req), out, util::now_ms() + kFetchCallTimeoutMs);
    if (!r.ok()) {
      if (retryable(r.code)) return TaskOutcome::retry(error_json(r), r.retry_after_ms());
      return TaskOutcome::failed(error_json(r));
    }
    if (!out.is_object()) return TaskOutcome::failed(boost::json::object{{"message", "fetch response is not an object"}});
    auto& o = out.get_object();
    // Another worker may run this task now: store nothing more (the run is retried under its lease).
    if (pool.lease_lost(t.id))
      return TaskOutcome::retry(boost::json::object{{"message", "lease lost while " + op_label + " ran"}});

    PageBuilder b(owner);
    if (auto* v = o.if_contains("accounts")) b.add_accounts(*v, store::account_type::kInternal);
    if (auto* v = o.if_contains("externalAccounts")) b.add_accounts(*v, store::account_type::kExternal);
    if (auto* v = o.if_contains("balances")) b.add_balances(*v);
    if (auto* v = o.if_contains("payments")) b.add_payments(*v);
    if (auto* v = o.if_contains("paymentsToDelete")) b.add_payments_to_delete(*v);
    auto& fp = b.page();
    fp.state_key = state_key;
    fp.new_state = o.contains("newState") ? o.at("newState") : boost::json::value(nullptr);
    const bool has_more = o.contains("hasMore") && o.at("hasMore").is_bool() && o.at("hasMore").get_bool();
    // hasMore with the state it was given would ask for the same page forever.
    if (has_more && fp.new_state == state)
      return TaskOutcome::failed(boost::json::object{
          {"message", op_label + " of " + who + " returned hasMore: true with an unchanged newState"},
          {"op", op_label}});

    store::FetchedPageResult stored;
    try {
    e.db().write([&](store::WriteTx& tx) {
      stored = store::store_fetched_page(tx, fp);
      // Each item spawns its child tasks once: the ids derive from this task and the item.
      for (auto& item : b.account_items()) {
        std::string ref = b.reference(std::string(item.at("reference").as_string()));
        for (auto& child_v : next_tasks) {
          auto& child = child_v.as_object();
          std::string child_type(child.at("taskType").as_string());
          if (!fetch_op(child_type)) continue;
          store::TaskRecord c;
          c.id = ids::encode(ids::ScopedID{connector, "fetch-" + digest(t.id + "|" + child_type + "|" + ref)});
          c.type = task_type::kFetch;
          c.connector_id = connector_id;
          boost::json::object cp{{"connectorID", connector_id},
                                 {"taskType", child_type},
                                 {"nextTasks", child.contains("nextTasks") ? child.at("nextTasks") : boost::json::array{}},
                                 {"stateKey", child_type + "-" + ref},
                                 {"parentAccountID", b.account_id(ref)}};
          if (psu_id) cp["psuID"] = *psu_id;
          if (connection_id) cp["connectionID"] = *connection_id;
          // A periodic child also gets its own schedule per parent item (the reference's
          // "balances per account"), so it keeps running when later parent runs no longer
          // return that item (watermarked providers only return new accounts).
          if (child.contains("periodically") && child.at("periodically") == true) {
            store::ScheduleRecord sched;
            sched.id = ids::encode(ids::ScopedID{connector, child_type + "-" + ref + (connection_id ? "-" + *connection_id : "")});
            sched.connector_id = connector_id;
            // The item as produced now, for the schedule's later runs (a stored account is
            // insert-once: its payload would replay first-sync data). Removed with the schedule.
            const std::string sched_parent = schedule_parent_key(sched.id);
            store::plugin_state::put(tx, connector_id, sched_parent, boost::json::serialize(item));
            auto scheduled = cp;
            scheduled["parentKey"] = sched_parent;
            sched.task = boost::json::object{{"type", task_type::kFetch}, {"reference", "fetch-" + digest(sched.id)}, {"payload", scheduled}};
            sched.period_ms = polling_period_ms(live->record.config, e.runtime().rules());
            sched.next_run_at = tx.now() + sched.period_ms;  // this run is the child enqueued below
            sched.created_at = tx.now();
            store::schedules::upsert(tx, sched);
          }
          c.payload = std::move(cp);
          if (store::tasks::enqueue(tx, c))
            store::plugin_state::put(tx, connector_id, parent_key(c.id), boost::json::serialize(item));
        }
      }
      // Committing the page and renewing the lease are one: a page whose lease was lost is not stored.
      if (!store::tasks::extend_lease(tx, t.id, pool.owner(), tx.now(), e.options().lease_ms))
        throw LeaseLost("lease of task " + t.id + " lost before its page was stored");
    });
    } catch (const LeaseLost& lost) {
      return TaskOutcome::retry(boost::json::object{{"message", lost.what()}});
    }
    e.count_ingest(stored);
    state = fp.new_state;
    if (!next_tasks.empty() && !b.account_items().empty()) pool.notify();
    if (!has_more) break;
  }

  if (parent_account_id && !p.contains("parentKey"))
    e.db().write([&](store::WriteTx& tx) { store::plugin_state::remove(tx, connector_id, parent_key(t.id)); });
  if (p.contains("connectionRoot") && connection_id) {
    e.db().write([&](store::WriteTx& tx) {
      if (store::connections::find(tx, connector_id, *connection_id))
        store::connections::set_data_updated_at(tx, connector_id, *connection_id, tx.now());
    });
  }
  return TaskOutcome::ok();
}

}  // namespace cx::engine
