#include "handler_fixture.hpp"
#include "host/api/reconcile_monitor.hpp"

#include <connectivity/time.hpp>

#include <catch2/catch.hpp>

#include <mutex>

using namespace cx::api;
using namespace cx::api::test;
namespace json = boost::json;

namespace {

// A scripted ledger side: answers `balances` (or `failure`) and records what it was asked.
struct FakeLedger {
  std::mutex m;
  cx::recon::Balances balances;
  std::optional<cx::recon::SideError> failure;
  std::string ledger_name;
  json::object query;
  int64_t pit_ms = 0;
  int calls = 0;
  cx::recon::LedgerSide side() {
    return [this](const std::string& name, const json::object& q, std::chrono::system_clock::time_point pit,
                  std::chrono::steady_clock::time_point) -> cx::recon::SideResult {
      std::lock_guard lock(m);
      ++calls;
      ledger_name = name;
      query = q;
      pit_ms = std::chrono::duration_cast<std::chrono::milliseconds>(pit.time_since_epoch()).count();
      if (failure) return *failure;
      return balances;
    };
  }
};

struct ReconFixture : Fixture {
  FakeLedger ledger;
  std::string account;
  std::string pool;
  int64_t t0 = 0;
  ReconFixture() {
    api = std::make_unique<Api>(Authenticator({kToken}), nullptr);
    add_all_routes(*api, Services{*db, backend, "1.2.3", ledger.side()});
    std::string cid = add_connector("generic", "main");
    account = add_account(cid, "acc-1");
    t0 = clock->load();
    balance("EUR/2", "1500", t0);
    balance("USD/2", "700", t0);
    tick(10'000);
    auto r = post("/api/payments/v3/pools", R"({"name":"p","accountIDs":[")" + account + "\"]}");
    REQUIRE(r.status == 201);
    pool = std::string(r.json().at("data").as_string());
  }
  void balance(const std::string& asset, const std::string& amount, int64_t at) {
    db->write([&](cx::store::WriteTx& tx) {
      cx::store::BalanceRecord b;
      b.account_id = account;
      b.asset = asset;
      b.balance = amount;
      b.created_at = at;
      cx::store::balances::record(tx, b);
    });
  }
  std::string policy(const std::string& extra = "") {
    auto r = post("/api/reconciliation/policies", R"({"name":"eur","ledgerName":"main","ledgerQuery":)"
                                                  R"({"$match":{"address":"world"}},"paymentsPoolID":")" +
                                                      pool + "\"" + extra + "}");
    REQUIRE(r.status == 201);
    return std::string(r.json().at("data").at("id").as_string());
  }
  Reply reconcile(const std::string& policy_id, int64_t at_ledger, int64_t at_payments) {
    return post("/api/reconciliation/policies/" + policy_id + "/reconciliation",
                R"({"reconciledAtLedger":")" + cx::time::format_rfc3339(at_ledger) +
                    R"(","reconciledAtPayments":")" + cx::time::format_rfc3339(at_payments) + "\"}");
  }
  size_t count(const std::string& target) { return get(target).json().at("cursor").at("data").as_array().size(); }
};

}  // namespace

TEST_CASE("reconciliation: _info answers without a token") {
  ReconFixture f;
  auto r = f.call("GET", "/api/reconciliation/_info", "", false);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("version").as_string() == "1.2.3");
  CHECK(f.call("GET", "/api/reconciliation/policies", "", false).status == 401);
}

TEST_CASE("reconciliation: policies create, get, list with filters, delete") {
  ReconFixture f;
  std::string id = f.policy(R"(,"interval":"15m")");
  auto got = f.get("/api/reconciliation/policies/" + id);
  REQUIRE(got.status == 200);
  auto d = got.json().at("data").as_object();
  CHECK(d.at("name").as_string() == "eur");
  CHECK(d.at("ledgerName").as_string() == "main");
  CHECK(d.at("ledgerQuery").at("$match").at("address").as_string() == "world");
  CHECK(d.at("paymentsPoolID").as_string() == f.pool);
  CHECK(d.at("interval").as_string() == "15m0s");
  CHECK(cx::time::parse_rfc3339(d.at("createdAt").as_string()).has_value());
  f.tick();
  std::string other = f.policy();
  CHECK_FALSE(f.get("/api/reconciliation/policies/" + other).json().at("data").as_object().contains("interval"));

  auto list = f.get("/api/reconciliation/policies");
  REQUIRE(list.status == 200);
  CHECK(list.json().at("cursor").at("pageSize").as_int64() == 15);
  CHECK(list.json().at("cursor").at("data").at(0).at("id").as_string() == other);
  CHECK(f.count("/api/reconciliation/policies?query=%7B%22%24match%22%3A%7B%22ledgerName%22%3A%22nope%22%7D%7D") == 0);
  CHECK(f.count("/api/reconciliation/policies?query=%7B%22%24match%22%3A%7B%22paymentsPoolID%22%3A%22" + f.pool +
                "%22%7D%7D") == 2);
  CHECK(f.get("/api/reconciliation/policies", R"({"$match":{"colour":"x"}})").code() == "VALIDATION");
  CHECK(f.get("/api/reconciliation/policies", R"({"$lt":{"ledgerName":"x"}})").code() == "VALIDATION");

  CHECK(f.call("DELETE", "/api/reconciliation/policies/" + id).status == 204);
  CHECK(f.get("/api/reconciliation/policies/" + id).status == 404);
  CHECK(f.call("DELETE", "/api/reconciliation/policies/" + id).status == 204);
  CHECK(f.get("/api/reconciliation/policies/xyz").code() == "INVALID_ID");
}

TEST_CASE("reconciliation: policy bodies are validated, naming the field") {
  ReconFixture f;
  auto create = [&](const std::string& body) { return f.post("/api/reconciliation/policies", body); };
  CHECK(create("").code() == "MISSING_OR_INVALID_BODY");
  CHECK(create(R"({"ledgerName":"main","ledgerQuery":{},"paymentsPoolID":")" + f.pool + "\"}").message() ==
        "name is a required field");
  CHECK(create(R"({"name":"n","ledgerName":"a b","ledgerQuery":{},"paymentsPoolID":")" + f.pool + "\"}").code() ==
        "VALIDATION");
  CHECK(create(R"({"name":"n","ledgerName":"main","ledgerQuery":[],"paymentsPoolID":")" + f.pool + "\"}").code() ==
        "MISSING_OR_INVALID_BODY");
  CHECK(create(R"({"name":"n","ledgerName":"main","ledgerQuery":{},"paymentsPoolID":"abc"})").code() == "INVALID_ID");
  CHECK(create(R"({"name":"n","ledgerName":"main","ledgerQuery":{},"paymentsPoolID":"6f0c2c0e-3c8a-4d0c-9d43-0e1b2c3d4e5f"})")
            .status == 404);
  CHECK(create(R"({"name":"n","ledgerName":"main","ledgerQuery":{},"interval":"often","paymentsPoolID":")" + f.pool +
               "\"}")
            .code() == "VALIDATION");
  auto no_query = create(R"({"name":"n","ledgerName":"main","paymentsPoolID":")" + f.pool + "\"}");
  REQUIRE(no_query.status == 201);
  CHECK(no_query.json().at("data").at("ledgerQuery").as_object().empty());
}

TEST_CASE("reconciliation: OK, then NOT_OK with the drift of exactly that asset; records are kept") {
  ReconFixture f;
  std::string id = f.policy();
  f.ledger.balances = {{"EUR/2", "-1500"}, {"USD/2", "-700"}};
  const int64_t now = f.clock->load();
  auto ok = f.reconcile(id, now - 1000, now - 2000);
  REQUIRE(ok.status == 200);
  auto d = ok.json().at("data").as_object();
  CHECK(d.at("status").as_string() == "OK");
  CHECK(d.at("error").as_string() == "");
  CHECK(d.at("policyID").as_string() == id);
  CHECK(d.at("paymentsBalances").at("EUR/2").as_int64() == 1500);
  CHECK(d.at("ledgerBalances").at("USD/2").as_int64() == -700);
  CHECK(d.at("driftBalances").at("EUR/2").as_int64() == 0);
  CHECK(d.at("reconciledAtLedger").as_string() == cx::time::format_rfc3339(now - 1000));
  CHECK(d.at("reconciledAtPayments").as_string() == cx::time::format_rfc3339(now - 2000));
  CHECK(f.ledger.ledger_name == "main");
  CHECK(f.ledger.query.at("$match").at("address").as_string() == "world");
  CHECK(f.ledger.pit_ms == now - 1000);

  f.tick();
  f.ledger.balances = {{"EUR/2", "-1400"}, {"USD/2", "-700"}};
  auto bad = f.reconcile(id, f.clock->load(), f.clock->load());
  REQUIRE(bad.status == 200);
  auto b = bad.json().at("data").as_object();
  CHECK(b.at("status").as_string() == "NOT_OK");
  CHECK(b.at("error").as_string() == "balance drift for asset EUR/2");
  CHECK(b.at("driftBalances").at("EUR/2").as_int64() == 100);
  CHECK(b.at("driftBalances").at("USD/2").as_int64() == 0);

  std::string rec_id(b.at("id").as_string());
  auto again = f.get("/api/reconciliation/reconciliations/" + rec_id);
  REQUIRE(again.status == 200);
  CHECK(again.json().at("data").at("status").as_string() == "NOT_OK");
  CHECK(f.get("/api/reconciliation/reconciliations/6f0c2c0e-3c8a-4d0c-9d43-0e1b2c3d4e5f").status == 404);

  // Immutable audit records, and they outlive their policy.
  CHECK_THROWS(f.db->write([&](cx::store::WriteTx& tx) {
    tx.prepare("UPDATE reconciliations SET status = 'OK'").exec();
  }));
  CHECK_THROWS(f.db->write([&](cx::store::WriteTx& tx) { tx.prepare("DELETE FROM reconciliations").exec(); }));
  REQUIRE(f.call("DELETE", "/api/reconciliation/policies/" + id).status == 204);
  CHECK(f.count("/api/reconciliation/reconciliations") == 2);
  CHECK(f.get("/api/reconciliation/reconciliations/" + rec_id).status == 200);
  CHECK(f.reconcile(id, f.clock->load(), f.clock->load()).status == 404);
}

TEST_CASE("reconciliation: a past instant reads the pool balances in force then") {
  ReconFixture f;
  std::string id = f.policy();
  f.balance("EUR/2", "9000", f.clock->load());  // a later amount
  f.tick();
  f.ledger.balances = {{"EUR/2", "-1500"}, {"USD/2", "-700"}};
  auto past = f.reconcile(id, f.t0 + 5'000, f.t0 + 5'000);
  REQUIRE(past.status == 200);
  CHECK(past.json().at("data").at("paymentsBalances").at("EUR/2").as_int64() == 1500);
  CHECK(past.json().at("data").at("status").as_string() == "OK");
  auto current = f.reconcile(id, f.clock->load(), f.clock->load());
  CHECK(current.json().at("data").at("paymentsBalances").at("EUR/2").as_int64() == 9000);
  CHECK(current.json().at("data").at("status").as_string() == "NOT_OK");
}

TEST_CASE("reconciliation: a side that cannot be read stores nothing and is named") {
  ReconFixture f;
  std::string id = f.policy();
  f.ledger.failure = cx::recon::SideError{"ledger answered 404 LEDGER_NOT_FOUND: ledger main not found", 404};
  auto r = f.reconcile(id, f.clock->load(), f.clock->load());
  CHECK(r.status == 500);
  CHECK(r.code() == "INTERNAL");
  CHECK(r.message() == "ledger side: ledger answered 404 LEDGER_NOT_FOUND: ledger main not found");
  CHECK(f.count("/api/reconciliation/reconciliations") == 0);

  f.ledger.failure.reset();
  REQUIRE(f.call("DELETE", "/api/payments/v3/pools/" + f.pool).status == 204);
  auto gone = f.reconcile(id, f.clock->load(), f.clock->load());
  CHECK(gone.status == 500);
  CHECK(gone.message().starts_with("payments side: pool "));
  CHECK(f.count("/api/reconciliation/reconciliations") == 0);
}

TEST_CASE("reconciliation: reconcile request validation") {
  ReconFixture f;
  std::string id = f.policy();
  const std::string path = "/api/reconciliation/policies/" + id + "/reconciliation";
  const std::string now = cx::time::format_rfc3339(f.clock->load());
  const std::string future = cx::time::format_rfc3339(f.clock->load() + 60'000);
  CHECK(f.post(path, "").code() == "MISSING_OR_INVALID_BODY");
  CHECK(f.post(path, R"({"reconciledAtPayments":")" + now + "\"}").message() == "missing reconciledAtLedger");
  CHECK(f.post(path, R"({"reconciledAtLedger":")" + now + "\"}").message() == "missing reconciledAtPayments");
  CHECK(f.post(path, R"({"reconciledAtLedger":"yesterday","reconciledAtPayments":")" + now + "\"}").code() ==
        "MISSING_OR_INVALID_BODY");
  auto fut = f.post(path, R"({"reconciledAtLedger":")" + future + R"(","reconciledAtPayments":")" + now + "\"}");
  CHECK(fut.code() == "VALIDATION");
  CHECK(fut.message() == "reconciledAtLedger must be in the past");
  CHECK(f.post(path, R"({"reconciledAtLedger":")" + now + R"(","reconciledAtPayments":")" + future + "\"}").message() ==
        "reconciledAtPayments must be in the past");
  CHECK(f.post("/api/reconciliation/policies/nope/reconciliation",
               R"({"reconciledAtLedger":")" + now + R"(","reconciledAtPayments":")" + now + "\"}")
            .code() == "INVALID_ID");
  CHECK(f.ledger.calls == 0);
}

TEST_CASE("reconciliation: list pages keep their filter") {
  ReconFixture f;
  std::string a = f.policy();
  std::string b = f.policy();
  f.ledger.balances = {{"EUR/2", "-1500"}, {"USD/2", "-700"}};
  for (int i = 0; i < 3; ++i) {
    REQUIRE(f.reconcile(a, f.clock->load(), f.clock->load()).status == 200);
    f.tick();
    REQUIRE(f.reconcile(b, f.clock->load(), f.clock->load()).status == 200);
    f.tick();
  }
  std::string q = "%7B%22%24match%22%3A%7B%22policyID%22%3A%22" + a + "%22%7D%7D";
  auto page = f.get("/api/reconciliation/reconciliations?pageSize=2&query=" + q);
  REQUIRE(page.status == 200);
  std::vector<std::string> seen;
  for (int i = 0; i < 5; ++i) {
    auto cursor = page.json().at("cursor").as_object();
    for (const auto& item : cursor.at("data").as_array()) {
      CHECK(item.at("policyID").as_string() == a);
      seen.emplace_back(item.at("id").as_string());
    }
    if (!cursor.at("hasMore").as_bool()) break;
    page = f.get("/api/reconciliation/reconciliations?cursor=" + std::string(cursor.at("next").as_string()));
    REQUIRE(page.status == 200);
  }
  CHECK(seen.size() == 3);
  CHECK(f.count("/api/reconciliation/reconciliations") == 6);
}

TEST_CASE("reconciliation monitor: a policy with an interval is reconciled once per interval") {
  ReconFixture f;
  std::string timed = f.policy(R"(,"interval":"1m")");
  f.policy();  // no interval: never reconciled by the monitor
  f.ledger.balances = {{"EUR/2", "-1500"}, {"USD/2", "-700"}};
  ReconcileMonitor monitor(*f.db, f.ledger.side(), 30'000);
  f.tick(60'000);  // now − margin is after the pool's balances were observed
  CHECK(monitor.run_due() == 1);
  CHECK(f.ledger.pit_ms == f.clock->load() - 30'000);  // now − safety margin
  CHECK(monitor.run_due() == 0);
  f.tick(59'000);
  CHECK(monitor.run_due() == 0);
  f.tick(2'000);
  CHECK(monitor.run_due() == 1);
  auto list = f.get("/api/reconciliation/reconciliations").json().at("cursor").at("data").as_array();
  REQUIRE(list.size() == 2);
  for (const auto& x : list) {
    CHECK(x.at("policyID").as_string() == timed);
    CHECK(x.at("status").as_string() == "OK");
  }
  // A failing side writes nothing and waits for the next interval.
  f.ledger.failure = cx::recon::SideError{"unreachable", 0};
  f.tick(61'000);
  const int calls = f.ledger.calls;
  CHECK(monitor.run_due() == 0);
  CHECK(f.ledger.calls == calls + 1);
  CHECK(monitor.run_due() == 0);
  CHECK(f.ledger.calls == calls + 1);
}
