// PSUs, forwarded users, tokens, link attempts, connections, bank accounts, webhooks and plugin
// state: the parts the open-banking flow and the plugin host services rely on.
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace cx::store;
using namespace cx::store::test;

namespace {
struct Fixture {
  TempDir dir;
  TestDb db{dir};
  Fixture() {
    db->write([](WriteTx& tx) {
      connectors::insert(tx, connector("c1"));
      auto p = psu("u1", "Jane Doe");
      p.contact_details = ContactDetails{"jane@example.com", std::nullopt, "fr-FR"};
      p.address = Address{"rue de la Paix", "1", "Paris", std::nullopt, "75002", "FR"};
      psus::insert(tx, p);
      psus::insert(tx, psu("u2"));
    });
  }
};
}  // namespace

TEST_CASE("a PSU reads back field by field, including absent groups and fields") {
  Fixture f;
  f.db->read([](ReadTx& tx) {
    auto p = psus::get(tx, "u1");
    CHECK(p->name == "Jane Doe");
    CHECK(p->contact_details->email == "jane@example.com");
    CHECK_FALSE(p->contact_details->phone_number);
    CHECK(p->contact_details->locale == "fr-FR");
    CHECK(p->address->street_name == "rue de la Paix");
    CHECK_FALSE(p->address->region);
    CHECK(p->address->country == "FR");
    auto bare = psus::get(tx, "u2");
    CHECK_FALSE(bare->contact_details);
    CHECK_FALSE(bare->address);
  });
  CHECK_THROWS_AS(f.db->write([](WriteTx& tx) { psus::insert(tx, psu("u1")); }), Conflict);
}

TEST_CASE("bank accounts: sealed identifiers, PSU link at creation, unlinked when the PSU goes") {
  Fixture f;
  f.db->write([](WriteTx& tx) {
    bank_accounts::insert(tx, {"ba1", "Jane Doe", "0001", "FR7630006000011234567890189", "AGRIFRPP", "FR",
                               {{"k", "v"}}, std::nullopt, 0});
    auto p = psu("u3");
    p.bank_account_ids = {"ba1"};
    psus::insert(tx, p);
  });
  CHECK_THROWS_AS(f.db->write([](WriteTx& tx) {
    auto p = psu("u4");
    p.bank_account_ids = {"missing"};
    psus::insert(tx, p);
  }),
                  NotFound);
  f.db->read([](ReadTx& tx) {
    auto b = bank_accounts::get(tx, "ba1");
    CHECK(b->iban == "FR7630006000011234567890189");
    CHECK(b->psu_id == "u3");
    CHECK(psus::get(tx, "u3")->bank_account_ids == std::vector<std::string>{"ba1"});
  });
  f.db->write([](WriteTx& tx) { psus::remove(tx, "u3"); });
  f.db->read([](ReadTx& tx) {
    auto b = bank_accounts::get(tx, "ba1");
    CHECK_FALSE(b->psu_id);
    CHECK(b->name == "Jane Doe");  // its own key, not the PSU's
  });
  f.db->write([](WriteTx& tx) { CHECK(bank_accounts::remove(tx, "ba1")); });
  CHECK(f.db->read([](ReadTx& tx) { return tx.data_key(cx::crypto::KeyOwner::bank_account("ba1")); }) == nullptr);
}

TEST_CASE("forwarded users resolve by provider user id; forwarding twice is a conflict") {
  Fixture f;
  f.db->write([](WriteTx& tx) {
    forwarded_users::insert(tx, {"u1", "c1", "powens-42", {{"user_token", "tok"}}, std::nullopt, 0});
    forwarded_users::insert(tx, {"u2", "c1", "powens-43", {}, std::nullopt, 0});
    provider_tokens::put(tx, "u1", "c1", {"auth-1", 5000});
    provider_tokens::put(tx, "u1", "c1", {"auth-2", std::nullopt});
  });
  CHECK_THAT(error_of<Conflict>([&] {
               f.db->write([](WriteTx& tx) { forwarded_users::insert(tx, {"u1", "c1", "x", {}, std::nullopt, 0}); });
             }),
             Catch::Contains("already exists on this connector"));
  CHECK_THROWS_AS(f.db->write([](WriteTx& tx) { provider_tokens::put(tx, "u2", "nope", {"t", std::nullopt}); }),
                  InvalidReference);
  f.db->read([](ReadTx& tx) {
    CHECK(forwarded_users::find_by_provider_user_id(tx, "c1", "powens-43")->psu_id == "u2");
    CHECK_FALSE(forwarded_users::find_by_provider_user_id(tx, "c1", "powens-4"));
    auto u = forwarded_users::get(tx, "u1", "c1");
    CHECK(u->metadata.at("user_token") == "tok");
    auto t = provider_tokens::get(tx, "u1", "c1");
    CHECK(t->token == "auth-2");
    CHECK_FALSE(t->expires_at);
    CHECK(forwarded_users::list_for_psu(tx, "u1").size() == 1);
  });
}

TEST_CASE("removing a forwarded user takes the PSU's data on that connector, not the PSU") {
  Fixture f;
  f.db->write([](WriteTx& tx) {
    forwarded_users::insert(tx, {"u1", "c1", "p", {}, std::nullopt, 0});
    provider_tokens::put(tx, "u1", "c1", {"t", std::nullopt});
    ConnectionRecord c;
    c.psu_id = "u1";
    c.connector_id = "c1";
    c.connection_id = "cn1";
    connections::upsert(tx, c);
    auto a = account("a1", "c1");
    a.psu_id = "u1";
    accounts::insert(tx, a);
    accounts::insert(tx, account("a2", "c1"));
    auto p = payment("p1", "c1", "1");
    p.psu_id = "u1";
    payments::upsert(tx, p);
    CHECK(forwarded_users::remove(tx, "u1", "c1"));
  });
  CHECK(count(*f.db, "provider_tokens") == 0);
  CHECK(count(*f.db, "connections") == 0);
  CHECK(count(*f.db, "payments") == 0);
  CHECK(count(*f.db, "accounts") == 1);
  CHECK(count(*f.db, "psus") == 2);
}

TEST_CASE("link attempts: idempotent upsert, sealed token, status change emits an event") {
  Fixture f;
  LinkAttemptRecord a;
  a.id = "att";
  a.psu_id = "u1";
  a.connector_id = "c1";
  a.randomized = "r1";
  a.client_redirect_url = "https://app/cb";
  f.db->write([&](WriteTx& tx) {
    link_attempts::upsert(tx, a);
    a.randomized = "r2";
    link_attempts::upsert(tx, a);
    link_attempts::set_temporary_token(tx, "att", TokenValue{"tmp", 99});
    link_attempts::set_status(tx, "att", link_status::kCompleted, std::nullopt);
    CHECK_THROWS_AS(link_attempts::set_status(tx, "att", "done", std::nullopt), InvalidValue);
    CHECK_THROWS_AS(link_attempts::set_status(tx, "nope", link_status::kExited, std::nullopt), NotFound);
  });
  a.psu_id = "u2";
  CHECK_THROWS_AS(f.db->write([&](WriteTx& tx) { link_attempts::upsert(tx, a); }), Conflict);
  f.db->read([](ReadTx& tx) {
    auto got = link_attempts::get(tx, "att");
    CHECK(got->randomized == "r2");
    CHECK(got->temporary_token->token == "tmp");
    CHECK(got->temporary_token->expires_at == 99);
    CHECK(got->status == "completed");
    auto ev = events::after(tx, 0, 10);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == "OPEN_BANKING_USER_LINK_STATUS");
    CHECK(ev[0].payload.at("attemptID") == "att");
    CHECK(ev[0].payload.at("status") == "completed");
  });
}

TEST_CASE("connections: upsert keeps created_at and the token unless given a new one") {
  Fixture f;
  ConnectionRecord c;
  c.psu_id = "u1";
  c.connector_id = "c1";
  c.connection_id = "cn1";
  c.access_token = TokenValue{"at-1", 10};
  c.created_at = 500;
  f.db->write([&](WriteTx& tx) { connections::upsert(tx, c); });
  *f.db.clock += 1000;
  c.access_token.reset();
  c.status = connection_status::kError;
  c.error = "consent expired";
  c.created_at = 9999;
  f.db->write([&](WriteTx& tx) { connections::upsert(tx, c); });
  f.db->read([](ReadTx& tx) {
    auto got = connections::find(tx, "c1", "cn1");
    CHECK(got->created_at == 500);
    CHECK(got->status == "ERROR");
    CHECK(got->error == "consent expired");
    CHECK(got->access_token->token == "at-1");
    CHECK(connections::list_active(tx, "c1").empty());
  });
  f.db->write([](WriteTx& tx) {
    connections::set_status(tx, "c1", "cn1", connection_status::kActive, std::nullopt);
    connections::set_data_updated_at(tx, "c1", "cn1", 7777);
  });
  f.db->read([](ReadTx& tx) {
    auto got = connections::get(tx, "u1", "c1", "cn1");
    CHECK_FALSE(got->error);
    CHECK(got->data_updated_at == 7777);
    CHECK(connections::list_active(tx, "c1").size() == 1);
  });
}

TEST_CASE("received webhooks: pruning deletes what is older than the bound, of every connector") {
  Fixture f;
  int removed = f.db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c2"));
    CHECK(received_webhooks::insert(tx, {"old-1", "c1", "k1", "{}", 1000}));
    CHECK(received_webhooks::insert(tx, {"old-2", "c2", "k2", "{}", 1999}));
    CHECK(received_webhooks::insert(tx, {"kept", "c1", "k3", "{}", 2000}));
    return received_webhooks::remove_older_than(tx, 2000);
  });
  CHECK(removed == 2);
  f.db->read([](ReadTx& tx) {
    CHECK_FALSE(received_webhooks::get(tx, "old-1"));
    CHECK_FALSE(received_webhooks::get(tx, "old-2"));
    CHECK(received_webhooks::get(tx, "kept"));
  });
}

TEST_CASE("connectors: config sealed and updatable; removal cascades and shreds the connector key") {
  Fixture f;
  f.db->write([](WriteTx& tx) {
    auto cfg = connectors::get(tx, "c1")->config;
    cfg["apiKey"] = "rotated";
    connectors::update_config(tx, "c1", cfg);
    connectors::set_scheduled_for_deletion(tx, "c1", true);
    plugin_state::put(tx, "c1", "k", std::string("v\0w", 3));
    fetch_states::put(tx, "c1", "FETCH_ACCOUNTS", boost::json::object{{"page", 2}});
    webhook_configs::put(tx, {{"c1", "main", "/hook", {{"secret", "s"}}, 0}});
    CHECK(received_webhooks::insert(tx, {"w1", "c1", "idem", "{}", 0}));
    CHECK_FALSE(received_webhooks::insert(tx, {"w2", "c1", "idem", "{}", 0}));
    accounts::insert(tx, account("a1", "c1"));
    TaskRecord t;
    t.id = "t1";
    t.type = "UNINSTALL";
    t.connector_id = "c1";
    tasks::enqueue(tx, t);
  });
  f.db->read([](ReadTx& tx) {
    auto c = connectors::get(tx, "c1");
    CHECK(c->config.at("apiKey") == "rotated");
    CHECK(c->scheduled_for_deletion);
    CHECK(c->provider == "generic");
    CHECK(plugin_state::get(tx, "c1", "k") == std::string("v\0w", 3));
    CHECK(webhook_configs::list(tx, "c1").at(0).metadata.at("secret") == "s");
    CHECK(connectors::all(tx).size() == 1);
  });
  f.db->write([](WriteTx& tx) { CHECK(connectors::remove(tx, "c1")); });
  for (auto t : {"accounts", "plugin_state", "fetch_states", "webhook_configs", "received_webhooks",
                 "forwarded_users"})
    CHECK(count(*f.db, t) == 0);
  CHECK(count(*f.db, "tasks") == 1);
  CHECK(f.db->read([](ReadTx& tx) { return tx.data_key(cx::crypto::KeyOwner::connector("c1")); }) == nullptr);
}
