// The filter language compiled to SQL: every allowed key per resource, refused keys and operators,
// metadata, and values that stay parameters.
#include "test_support.hpp"

#include "host/store/filter_sql.hpp"

#include <catch2/catch.hpp>

using namespace cx::store;
using namespace cx::store::test;
using K = Filter::Kind;

namespace {
Filter leaf(K kind, std::string key, boost::json::value v) { return Filter{kind, std::move(key), std::move(v), {}}; }
Filter all_of(std::vector<Filter> c) { return Filter{K::And, "", nullptr, std::move(c)}; }
Filter any_of(std::vector<Filter> c) { return Filter{K::Or, "", nullptr, std::move(c)}; }
Filter negate(Filter f) { return Filter{K::Not, "", nullptr, {std::move(f)}}; }

const std::string kEvil = "x' OR 1=1 --";
}  // namespace

TEST_CASE("every documented key compiles to a parameterised condition on its column") {
  auto blind = cx::crypto::BlindIndex(cx::crypto::DataKey::generate());
  struct Case {
    const FilterSpec& spec;
    std::vector<std::string> keys;
  };
  std::vector<Case> cases{
      {filter_specs::accounts(),
       {"id", "reference", "connector_id", "type", "default_asset", "name", "psu_id", "open_banking_connection_id"}},
      {filter_specs::payments(),
       {"reference", "id", "connector_id", "type", "asset", "scheme", "status", "source_account_id",
        "destination_account_id", "psu_id", "open_banking_connection_id"}},
      {filter_specs::connectors(), {"provider", "name", "id"}},
      {filter_specs::psus(), {"id"}},
      {filter_specs::connections(), {"connection_id", "status"}},
      {filter_specs::link_attempts(), {"id", "status"}},
  };
  for (const auto& c : cases) {
    CHECK(c.spec.keys.size() == c.keys.size() + (c.spec.resource == "payments" ? 2 : 0));
    for (const auto& k : c.keys) {
      INFO(c.spec.resource << " " << k);
      auto out = compile_filter(leaf(K::Match, k, boost::json::string(kEvil)), c.spec, &blind);
      CHECK(out.sql.find(kEvil) == std::string::npos);
      CHECK(out.sql.find("= ?") != std::string::npos);
      CHECK(out.params.size() == 1);
      auto in = compile_filter(leaf(K::In, k, boost::json::array{"a", "b", "c"}), c.spec, &blind);
      CHECK(in.sql.find("IN (?, ?, ?)") != std::string::npos);
      CHECK(in.params.size() == 3);
    }
  }
  auto amount = compile_filter(leaf(K::Lte, "initial_amount", 5), filter_specs::payments(), &blind);
  CHECK(amount.sql == "(initial_amount_key <= ?)");
  CHECK(std::get<std::string>(amount.params.at(0)) == "300015");
  auto provider = compile_filter(leaf(K::Match, "provider", "PoWeNs"), filter_specs::connectors(), &blind);
  CHECK(std::get<std::string>(provider.params.at(0)) == "powens");
  auto name = compile_filter(leaf(K::Match, "name", "Jane"), filter_specs::accounts(), &blind);
  CHECK(name.sql == "(name_index = ?)");
  CHECK(std::get<std::vector<uint8_t>>(name.params.at(0)) == blind.compute("accounts.name", "Jane"));
}

TEST_CASE("unknown keys and operators a key does not take are QueryErrors naming the key") {
  auto blind = cx::crypto::BlindIndex(cx::crypto::DataKey::generate());
  auto err = [&](const Filter& f, const FilterSpec& spec) {
    return error_of<QueryError>([&] { compile_filter(f, spec, &blind); });
  };
  CHECK_THAT(err(leaf(K::Match, "iban", "x"), filter_specs::accounts()), Catch::Contains("'iban'"));
  CHECK_THAT(err(leaf(K::Lt, "status", "x"), filter_specs::payments()),
             Catch::Contains("$lt") && Catch::Contains("'status'"));
  CHECK_THAT(err(leaf(K::Gt, "name", "x"), filter_specs::accounts()), Catch::Contains("'name'"));
  CHECK_THAT(err(leaf(K::Like, "reference", "x%"), filter_specs::accounts()), Catch::Contains("$like"));
  CHECK_THAT(err(leaf(K::Exists, "id", true), filter_specs::payments()), Catch::Contains("'id'"));
  CHECK_THAT(err(leaf(K::Match, "metadata[k]", "v"), filter_specs::connectors()), Catch::Contains("metadata[k]"));
  CHECK_THAT(err(leaf(K::Lt, "metadata[k]", "v"), filter_specs::payments()), Catch::Contains("$match only"));
  CHECK_THAT(err(leaf(K::Match, "id", 5), filter_specs::psus()), Catch::Contains("'id'"));
  CHECK_THAT(err(leaf(K::In, "id", "not-an-array"), filter_specs::psus()), Catch::Contains("'id'"));
  CHECK_THAT(err(leaf(K::Match, "amount", "12.5"), filter_specs::payments()), Catch::Contains("'amount'"));
  CHECK_THAT(err(all_of({leaf(K::Match, "id", "a"), leaf(K::Match, "nope", "b")}), filter_specs::psus()),
             Catch::Contains("'nope'"));
  CHECK_THAT(err(leaf(K::Match, "id", "a"), filter_specs::none("schedules")), Catch::Contains("schedules"));
  CHECK_THAT(err(Filter{K::Not, "", nullptr, {}}, filter_specs::psus()), Catch::Contains("$not"));
}

TEST_CASE("and / or / not nest; empty groups mean all / nothing") {
  auto out = compile_filter(
      all_of({leaf(K::Match, "status", "ACTIVE"),
              any_of({leaf(K::Match, "connection_id", "a"), negate(leaf(K::Match, "metadata[k'\"]", "v"))})}),
      filter_specs::connections(), nullptr);
  CHECK(out.sql ==
        "((status = ?) AND ((connection_id = ?) OR (NOT (EXISTS (SELECT 1 FROM json_each(metadata) AS m WHERE "
        "m.key = ? AND m.type = 'text' AND m.value = ?)))))");
  REQUIRE(out.params.size() == 4);
  CHECK(std::get<std::string>(out.params[2]) == "k'\"");
  CHECK(compile_filter(all_of({}), filter_specs::psus(), nullptr).sql == "1");
  CHECK(compile_filter(any_of({}), filter_specs::psus(), nullptr).sql == "0");
}

TEST_CASE("filters select the right accounts, key by key") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    connectors::insert(tx, connector("c2"));
    psus::insert(tx, psu("u1"));
    auto a = account("a1", "c1", 1000);
    a.name = "Jane's checking";
    a.metadata = {{"com.acme/kind", "savings"}, {"odd key \"'", "x"}};
    a.psu_id = "u1";
    a.connection_id = "cn1";
    accounts::insert(tx, a);
    auto b = account("a2", "c2", 2000);
    b.type = account_type::kExternal;
    b.default_asset.reset();
    b.name = "Other";
    accounts::insert(tx, b);
  });
  auto ids = [&](Filter f) {
    PageQuery q;
    q.filter = std::move(f);
    std::vector<std::string> out;
    for (auto& a : db->read([&](ReadTx& tx) { return accounts::list(tx, q); }).items) out.push_back(a.id);
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(ids(leaf(K::Match, "id", "a1")) == V{"a1"});
  CHECK(ids(leaf(K::Match, "reference", "ref-a2")) == V{"a2"});
  CHECK(ids(leaf(K::Match, "connector_id", "c1")) == V{"a1"});
  CHECK(ids(leaf(K::Match, "type", "EXTERNAL")) == V{"a2"});
  CHECK(ids(leaf(K::Match, "default_asset", "EUR/2")) == V{"a1"});
  CHECK(ids(leaf(K::Exists, "default_asset", false)) == V{"a2"});
  CHECK(ids(leaf(K::Match, "name", "Jane's checking")) == V{"a1"});
  CHECK(ids(leaf(K::Match, "name", "jane's checking")).empty());
  CHECK(ids(leaf(K::Match, "psu_id", "u1")) == V{"a1"});
  CHECK(ids(leaf(K::Match, "open_banking_connection_id", "cn1")) == V{"a1"});
  CHECK(ids(leaf(K::Match, "metadata[com.acme/kind]", "savings")) == V{"a1"});
  CHECK(ids(leaf(K::Match, "metadata[odd key \"']", "x")) == V{"a1"});
  CHECK(ids(leaf(K::Match, "metadata[com.acme/kind]", "checking")).empty());
  CHECK(ids(leaf(K::Gt, "reference", "ref-a1")) == V{"a2"});
  CHECK(ids(leaf(K::In, "id", boost::json::array{"a1", "a2", "zz"})) == V{"a2", "a1"});
  CHECK(ids(negate(leaf(K::Match, "connector_id", "c1"))) == V{"a2"});
  CHECK(ids(leaf(K::Match, "id", boost::json::string(kEvil))).empty());
}

TEST_CASE("filters on payments, PSUs, connectors, connections and attempts") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    auto pc = connector("c2");
    pc.provider = "Powens";
    connectors::insert(tx, pc);
    auto u = psu("u1");
    u.metadata = {{"tier", "gold"}};
    psus::insert(tx, u);
    psus::insert(tx, psu("u2"));
    auto p = payment("p1", "c1", "10");
    p.scheme = "SEPA";
    p.source_account_id = "src";
    p.psu_id = "u1";
    p.metadata = {{"k", "v"}};
    payments::upsert(tx, p);
    payments::upsert(tx, payment("p2", "c2", "20", "PENDING"));
    forwarded_users::insert(tx, {"u1", "c2", "pu1", {}, std::nullopt, 0});
    ConnectionRecord c;
    c.psu_id = "u1";
    c.connector_id = "c2";
    c.connection_id = "cn1";
    c.metadata = {{"bank", "acme"}};
    connections::upsert(tx, c);
    c.connection_id = "cn2";
    c.status = connection_status::kError;
    c.metadata = {};
    connections::upsert(tx, c);
    LinkAttemptRecord a;
    a.id = "att1";
    a.psu_id = "u1";
    a.connector_id = "c2";
    link_attempts::upsert(tx, a);
    a.id = "att2";
    a.status = link_status::kExited;
    link_attempts::upsert(tx, a);
  });
  auto q = [](Filter f) {
    PageQuery q;
    q.filter = std::move(f);
    return q;
  };
  db->read([&](ReadTx& tx) {
    CHECK(payments::list(tx, q(leaf(K::Match, "scheme", "SEPA"))).items.at(0).id == "p1");
    CHECK(payments::list(tx, q(leaf(K::Match, "status", "PENDING"))).items.at(0).id == "p2");
    CHECK(payments::list(tx, q(leaf(K::Match, "source_account_id", "src"))).items.size() == 1);
    CHECK(payments::list(tx, q(leaf(K::Match, "psu_id", "u1"))).items.size() == 1);
    CHECK(payments::list(tx, q(leaf(K::Match, "metadata[k]", "v"))).items.at(0).id == "p1");
    CHECK(psus::list(tx, q(leaf(K::Match, "metadata[tier]", "gold"))).items.at(0).id == "u1");
    CHECK(psus::list(tx, q(leaf(K::Match, "id", "u2"))).items.at(0).id == "u2");
    CHECK(connectors::list(tx, q(leaf(K::Match, "provider", "POWENS"))).items.at(0).id == "c2");
    CHECK(connectors::list(tx, q(leaf(K::Match, "name", "conn-c1"))).items.at(0).id == "c1");
    auto cs = connections::list(tx, "u1", "c2", q(leaf(K::Match, "status", "ERROR")));
    CHECK(cs.items.at(0).connection_id == "cn2");
    CHECK(connections::list(tx, "u1", "", q(leaf(K::Match, "metadata[bank]", "acme"))).items.at(0).connection_id ==
          "cn1");
    CHECK(link_attempts::list(tx, "u1", "c2", q(leaf(K::Match, "status", "exited"))).items.at(0).id == "att2");
  });
}
