// Connection lifecycle promises: deletion is final in both orders (API first, provider first),
// a PSU deletion unschedules every connection, webhook-driven syncs move dataUpdatedAt, and
// accounts follow the provider's changes. Driven through the pager_ob fixture, whose
// translate_webhook returns {"responses": […]} verbatim.
#include "harness.hpp"
#include "host/engine/internal.hpp"

#include <catch2/catch.hpp>

using cx::engine::EngineError;
using cx::test::eventually;
using cx::test::Harness;
namespace json = boost::json;

namespace {

struct Linked {
  std::string connector_id;
  std::string psu_id;
};

std::string new_psu(Harness& h) {
  cx::store::PsuRecord p;
  p.id = cx::util::uuid_v4();
  p.name = "Jeanne Martin";
  p.created_at = cx::util::now_ms();
  h.db->write([&](cx::store::WriteTx& tx) { cx::store::psus::insert(tx, p); });
  return p.id;
}

std::string state_of(const std::string& link) {
  auto pos = link.find("state=") + 6;
  return link.substr(pos, link.find('&', pos) == std::string::npos ? std::string::npos : link.find('&', pos) - pos);
}

/// Links connection `conn` for the PSU through create-link and the provider's redirect.
void link(Harness& h, const Linked& l, const std::string& conn) {
  auto lk = h.engine->create_link(l.psu_id, l.connector_id, {{"clientRedirectURL", "https://app.example/done"}}, std::nullopt);
  h.engine->handle_redirect(l.connector_id, {"GET", "", {}, {{"state", {state_of(lk.link)}}, {"connection_id", {conn}}}, ""});
}

Linked setup(Harness& h, int64_t pages = 0) {
  Linked l;
  l.connector_id = h.engine->install("pager_ob", json::object{{"name", "ob-" + cx::util::uuid_v4().substr(0, 8)},
                                                               {"pollingPeriod", "1h"}, {"pages", pages}});
  l.psu_id = new_psu(h);
  h.engine->forward(l.psu_id, l.connector_id);
  return l;
}

/// Delivers a webhook whose translation is `responses`, followed by a sentinel payment, and waits
/// until the sentinel is stored: every response before it has been applied.
void deliver(Harness& h, const Linked& l, json::array responses) {
  static int n = 0;
  std::string sentinel = "sentinel-" + std::to_string(++n) + "-" + cx::util::uuid_v4().substr(0, 6);
  cx::Payment p;
  p.reference = sentinel;
  p.created_at = "2024-01-01T00:00:00Z";
  p.type = "PAY-IN";
  p.amount = "1";
  p.asset = "EUR/2";
  p.scheme = "OTHER";
  p.status = "SUCCEEDED";
  responses.push_back(cx::webhook::payments({p}));
  json::object body{{"responses", responses}};
  h.engine->handle_webhook(l.connector_id, {"POST", "/hook", {{"x-sig", {"good"}}}, {}, json::serialize(body)});
  REQUIRE(eventually([&] {
    for (auto& pay : h.payments())
      if (pay.reference == sentinel) return true;
    return false;
  }));
}

std::string uid(const Linked& l) { return "u-" + l.psu_id; }

json::object account(const Linked& l, const std::string& conn, const std::string& ref, const std::string& name,
                     cx::Metadata metadata = {}) {
  cx::Account a;
  a.reference = ref;
  a.created_at = "2024-01-01T00:00:00Z";
  a.name = name;
  a.default_asset = "EUR/2";
  a.metadata = std::move(metadata);
  a.provider_user_id = uid(l);
  a.connection_id = conn;
  return json::object{{"accounts", json::array{json::value_from(a)}}};
}

std::optional<cx::store::ConnectionRecord> connection(Harness& h, const Linked& l, const std::string& conn) {
  return h.db->read([&](cx::store::ReadTx& tx) { return cx::store::connections::get(tx, l.psu_id, l.connector_id, conn); });
}

size_t accounts_of(Harness& h, const std::string& conn) {
  return h.db->read([&](cx::store::ReadTx& tx) {
    size_t n = 0;
    for (auto& a : cx::store::accounts::list(tx, {std::nullopt, 0, 1000}).items) n += a.connection_id == conn;
    return n;
  });
}

/// Schedules of a connector that belong to some connection.
size_t connection_schedules(Harness& h, const std::string& connector_id) {
  return h.db->read([&](cx::store::ReadTx& tx) {
    size_t n = 0;
    for (auto& s : cx::store::schedules::list(tx, connector_id, {std::nullopt, 0, 1000}).items)
      if (s.task.is_object() && s.task.as_object().if_contains("payload") &&
          s.task.at("payload").as_object().if_contains("connectionID"))
        ++n;
    return n;
  });
}

size_t saved_accounts(Harness& h, const std::string& account_id) {
  return h.db->read([&](cx::store::ReadTx& tx) {
    size_t n = 0;
    for (auto& e : cx::store::events::after(tx, 0, 100000))
      n += e.type == cx::store::event_type::kSavedAccount && e.payload.at("id") == boost::json::value(account_id);
    return n;
  });
}

json::array late_events(const Linked& l, const std::string& conn) {
  const std::string at = "2030-01-01T00:00:00Z";
  return json::array{cx::webhook::connection_reconnected(uid(l), conn, at),
                     cx::webhook::connection_disconnected(uid(l), conn, at, "USER_ACTION_NEEDED", std::string("deleted")),
                     cx::webhook::connection_pending_disconnect(uid(l), conn, at),
                     cx::webhook::connection_deleted(uid(l), conn, at),
                     account(l, conn, "late-" + conn, "Late account")};
}

}  // namespace

TEST_CASE("an API deletion is final: the provider's late events about the connection are ignored") {
  Harness h;
  auto l = setup(h);
  link(h, l, "conn-a");
  REQUIRE(eventually([&] { return connection(h, l, "conn-a").has_value(); }));
  h.engine->delete_connection(l.psu_id, l.connector_id, "conn-a");
  REQUIRE(eventually([&] { return !connection(h, l, "conn-a"); }));

  // What Powens sends after our DELETE: CONNECTION_DELETED, plus stragglers, twice.
  deliver(h, l, late_events(l, "conn-a"));
  deliver(h, l, late_events(l, "conn-a"));
  CHECK_FALSE(connection(h, l, "conn-a"));
  CHECK(accounts_of(h, "conn-a") == 0);
  CHECK(connection_schedules(h, l.connector_id) == 0);
  // Listing the PSU's connections shows nothing (the reported bug: an ERROR row dated 0001-01-01).
  h.db->read([&](cx::store::ReadTx& tx) {
    CHECK(cx::store::connections::list(tx, l.psu_id, "", {std::nullopt, 0, 100}).items.empty());
  });
}

TEST_CASE("a deletion at the provider removes the connection and its data; later events and the API see it gone") {
  Harness h;
  auto l = setup(h);
  link(h, l, "conn-b");
  link(h, l, "conn-keep");
  REQUIRE(eventually([&] { return connection(h, l, "conn-b") && connection(h, l, "conn-keep"); }));
  deliver(h, l, json::array{account(l, "conn-b", "acc-b", "Compte B"), account(l, "conn-keep", "acc-keep", "Compte K")});
  REQUIRE(accounts_of(h, "conn-b") >= 1);
  const size_t schedules_before = connection_schedules(h, l.connector_id);
  REQUIRE(schedules_before > 0);

  deliver(h, l, json::array{cx::webhook::connection_deleted(uid(l), "conn-b", "2024-07-01T00:00:00Z")});
  CHECK_FALSE(connection(h, l, "conn-b"));
  CHECK(accounts_of(h, "conn-b") == 0);
  CHECK(connection(h, l, "conn-keep"));
  CHECK(accounts_of(h, "conn-keep") == 1);
  CHECK(connection_schedules(h, l.connector_id) < schedules_before);
  CHECK(connection_schedules(h, l.connector_id) > 0);

  deliver(h, l, late_events(l, "conn-b"));
  CHECK_FALSE(connection(h, l, "conn-b"));
  CHECK(accounts_of(h, "conn-b") == 0);
  try {
    h.engine->delete_connection(l.psu_id, l.connector_id, "conn-b");
    FAIL("a connection deleted at the provider can still be deleted");
  } catch (const EngineError& e) {
    CHECK(e.http_status == 404);
  }
  // A new link through the host brings the connection id back.
  link(h, l, "conn-b");
  REQUIRE(eventually([&] { return connection(h, l, "conn-b").has_value(); }));
  CHECK(connection(h, l, "conn-b")->status == "ACTIVE");
}

TEST_CASE("deleting a PSU unschedules every connection on every connector") {
  Harness h;
  auto a = setup(h);
  Linked b{h.engine->install("pager_ob", json::object{{"name", "ob-b"}, {"pollingPeriod", "1h"}, {"pages", 0}}), a.psu_id};
  h.engine->forward(a.psu_id, b.connector_id);
  // More connections than one page of the store's lists, with their schedules in the future so
  // no fetch runs meanwhile.
  h.db->write([&](cx::store::WriteTx& tx) {
    for (auto* l : {&a, &b})
      for (int i = 0; i < 130; ++i) {
        cx::store::ConnectionRecord c;
        c.psu_id = l->psu_id;
        c.connector_id = l->connector_id;
        c.connection_id = "bulk-" + std::to_string(i);
        c.created_at = c.updated_at = tx.now();
        cx::store::connections::upsert(tx, c);
        cx::store::ScheduleRecord s;
        s.id = cx::ids::encode(cx::ids::ScopedID{cx::engine::connector_of(l->connector_id), "FETCH_ACCOUNTS-" + c.connection_id});
        s.connector_id = l->connector_id;
        s.task = json::object{{"type", "fetch"}, {"reference", "r-" + c.connection_id},
                              {"payload", json::object{{"connectorID", l->connector_id}, {"connectionID", c.connection_id}}}};
        s.period_ms = 3600000;
        s.next_run_at = tx.now() + 3600000;
        s.created_at = tx.now();
        cx::store::schedules::upsert(tx, s);
      }
  });
  REQUIRE(connection_schedules(h, a.connector_id) == 130);
  REQUIRE(connection_schedules(h, b.connector_id) == 130);
  h.engine->delete_psu(a.psu_id);
  REQUIRE(eventually([&] { return h.db->read([&](cx::store::ReadTx& tx) { return !cx::store::psus::get(tx, a.psu_id); }); }));
  CHECK(connection_schedules(h, a.connector_id) == 0);
  CHECK(connection_schedules(h, b.connector_id) == 0);
}

TEST_CASE("dataUpdatedAt moves after a webhook-driven sync, not after a mere state event") {
  Harness h;
  auto l = setup(h);
  link(h, l, "conn-c");
  // The first polling runs mark the data as synced: each root fetch of the connection (accounts,
  // payments…) moves dataUpdatedAt when it ends, so wait until it holds still (next run in 1 h).
  std::optional<int64_t> seen;
  REQUIRE(eventually([&] {
    auto c = connection(h, l, "conn-c");
    auto now = c ? c->data_updated_at : std::nullopt;
    bool settled = now && now == seen;
    seen = now;
    if (!settled) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return settled;
  }));
  const int64_t first = *seen;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  deliver(h, l, json::array{cx::webhook::connection_pending_disconnect(uid(l), "conn-c", "2030-01-01T00:00:00Z")});
  CHECK(*connection(h, l, "conn-c")->data_updated_at == first);
  deliver(h, l, json::array{cx::webhook::connection_reconnected(uid(l), "conn-c", "2024-07-01T00:00:00Z"),
                            account(l, "conn-c", "acc-c", "Compte C")});
  CHECK(*connection(h, l, "conn-c")->data_updated_at > first);
}

TEST_CASE("an account changed at the provider is updated: name, metadata, per-account error") {
  Harness h;
  auto l = setup(h);
  link(h, l, "conn-d");
  REQUIRE(eventually([&] { return connection(h, l, "conn-d").has_value(); }));
  deliver(h, l, json::array{account(l, "conn-d", "acc-d", "Compte courant", {{"powens.type", "checking"}})});
  const auto id = cx::ids::encode(cx::ids::AccountID{cx::engine::connector_of(l.connector_id), "acc-d"});
  auto read = [&] { return h.db->read([&](cx::store::ReadTx& tx) { return cx::store::accounts::get(tx, id); }); };
  REQUIRE(read());
  const auto created = read()->created_at;
  const auto events_before = saved_accounts(h, id);
  deliver(h, l, json::array{account(l, "conn-d", "acc-d", "Compte joint",
                                    {{"powens.type", "joint"}, {"error", "SCARequired"}})});
  auto a = read();
  REQUIRE(a);
  CHECK(a->name == "Compte joint");
  CHECK(a->metadata.at("powens.type") == "joint");
  CHECK(a->metadata.at("error") == "SCARequired");
  CHECK(a->created_at == created);
  // The change is published (SAVED_ACCOUNT again); the same account seen again unchanged is not.
  const auto events_after = saved_accounts(h, id);
  CHECK(events_after > events_before);
  deliver(h, l, json::array{account(l, "conn-d", "acc-d", "Compte joint",
                                    {{"powens.type", "joint"}, {"error", "SCARequired"}})});
  CHECK(saved_accounts(h, id) == events_after);
  // The error clears when the provider clears it.
  deliver(h, l, json::array{account(l, "conn-d", "acc-d", "Compte joint", {{"powens.type", "joint"}})});
  CHECK(read()->metadata.count("error") == 0);
}

TEST_CASE("forwarding shows the connector's PSU-level metadata on the PSU, not the sealed user metadata") {
  Harness h;
  auto l = setup(h);
  auto psu = h.db->read([&](cx::store::ReadTx& tx) { return cx::store::psus::get(tx, l.psu_id); });
  REQUIRE(psu);
  CHECK(psu->metadata.at("user_id") == "u-" + l.psu_id);
  CHECK(psu->metadata.at("expires_in") == "0");
  CHECK(psu->metadata.count("secret_hint") == 0);
}
