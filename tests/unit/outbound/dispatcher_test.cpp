// The dispatcher against a loopback receiver: fan-out to subscribed configs only, signed
// requests, retries on 5xx, final 4xx, claims left by a crash delivered after restart.
#include "host/outbound/dispatcher.hpp"
#include "host/outbound/signature.hpp"
#include "host/util/encoding.hpp"
#include "host/store/events.hpp"
#include "unit/store/test_support.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace cx;

namespace {

/// A loopback receiver answering each request with the next status of `statuses` (the last repeats).
struct Receiver {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::mutex mu;
  std::vector<std::pair<httplib::Headers, std::string>> got;
  std::vector<int> statuses{200};
  explicit Receiver(std::vector<int> s = {200}) : statuses(std::move(s)) {
    server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lk(mu);
      got.emplace_back(req.headers, req.body);
      res.status = statuses[std::min(got.size() - 1, statuses.size() - 1)];
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  ~Receiver() {
    server.stop();
    thread.join();
  }
  size_t count() {
    std::lock_guard lk(mu);
    return got.size();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/hook"; }
};

outbound::DispatcherOptions quick() {
  outbound::DispatcherOptions o;
  o.endpoints.allow_insecure = true;
  o.retry = outbound::RetryPolicy{50, 100, 3, 60'000};
  o.poll_ms = 20;
  o.timeout_ms = 2000;
  return o;
}

store::OutboundConfig config(const std::string& url, std::vector<std::string> types) {
  store::OutboundConfig c;
  c.id = util::uuid_v4();
  c.endpoint = url;
  c.secret = outbound::generate_secret();
  c.event_types = std::move(types);
  return c;
}

template <class F>
bool within(int ms, F&& f) {
  for (int i = 0; i < ms / 10; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return f();
}

std::string status_of(store::Database& db, int64_t seq) {
  return db.read([&](store::ReadTx& tx) {
    auto& s = tx.prepare("SELECT status FROM outbound_deliveries WHERE event_seq = ?");
    s.bind(1, seq);
    return s.step() ? s.get_text(0) : std::string("none");
  });
}

int64_t append(store::Database& db, const char* type) {
  return db.write([&](store::WriteTx& tx) {
    return store::events::append(tx, type, boost::json::object{{"psuID", "p"}, {"connectorID", "c"}, {"at", tx.now()}});
  });
}

}  // namespace

TEST_CASE("fan-out: one delivery per subscribed active config, none for others; cursor moves; secret sealed") {
  store::test::TempDir dir;
  store::test::TestDb db(dir);
  auto sub = config("https://example.com/a", {"payments.open_banking_user_disconnected"});
  auto other = config("https://example.com/b", {"payments.saved_payment"});
  db->write([&](store::WriteTx& tx) {
    store::outbound_configs::insert(tx, sub);
    store::outbound_configs::insert(tx, other);
  });
  outbound::Dispatcher d(*db, quick());
  append(*db, store::event_type::kUserDisconnected);
  append(*db, store::event_type::kConnectionReconnected);
  CHECK(d.fan_out() == 2);
  CHECK(d.fan_out() == 0);
  CHECK(store::test::count(*db, "outbound_deliveries") == 1);
  db->read([&](store::ReadTx& tx) {
    CHECK(store::outbound_deliveries::cursor(tx) == 2);
    auto& s = tx.prepare("SELECT config_id, event_type FROM outbound_deliveries");
    REQUIRE(s.step());
    CHECK(s.get_text(0) == sub.id);
    CHECK(s.get_text(1) == "payments.open_banking_user_disconnected");
    auto& raw = tx.prepare("SELECT secret FROM outbound_configs WHERE id = ?");
    raw.bind(1, sub.id);
    REQUIRE(raw.step());
    const auto bytes = raw.get_blob(0);
    const std::string sealed(bytes.begin(), bytes.end());
    CHECK(sealed.find(sub.secret) == std::string::npos);
    CHECK(store::outbound_configs::get(tx, sub.id)->secret == sub.secret);
  });
}

TEST_CASE("delivery: signed POST, 500 then 200 retried, 400 final") {
  store::test::TempDir dir;
  store::test::SystemClockDb db(dir);
  Receiver ok({500, 200});
  auto cfg = config(ok.url(), {"payments.open_banking_user_disconnected"});
  Receiver bad({400});
  auto cfg_bad = config(bad.url(), {"payments.open_banking_user_disconnected"});
  db->write([&](store::WriteTx& tx) {
    store::outbound_configs::insert(tx, cfg);
    store::outbound_configs::insert(tx, cfg_bad);
  });
  outbound::Dispatcher d(*db, quick());
  d.start();
  append(*db, store::event_type::kUserDisconnected);
  REQUIRE(within(5000, [&] { return ok.count() >= 2 && bad.count() >= 1; }));
  REQUIRE(within(2000, [&] {
    return db->read([&](store::ReadTx& tx) {
      auto& s = tx.prepare("SELECT count(*) FROM outbound_deliveries WHERE status IN ('succeeded','failed')");
      s.step();
      return static_cast<int>(s.get_int64(0)) == 2;
    });
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  d.stop();
  CHECK(bad.count() == 1);  // 400 is final
  REQUIRE(ok.count() == 2);
  std::string first_id;
  for (auto& [h, body] : ok.got) {
    auto id = h.find("Formance-Webhook-Id")->second;
    if (first_id.empty()) first_id = id;
    CHECK(id == first_id);  // stable across retries
    CHECK(outbound::verify(h.find("Formance-Webhook-Signature")->second, cfg.secret, id,
                           std::stoll(h.find("Formance-Webhook-Timestamp")->second), body));
    CHECK(h.find("Formance-Webhook-Test")->second == "false");
    CHECK(!h.find("Formance-Webhook-Idempotency-Key")->second.empty());
    CHECK(body.find("\"type\":\"payments.open_banking_user_disconnected\"") != std::string::npos);
  }
  db->read([&](store::ReadTx& tx) {
    auto& s = tx.prepare("SELECT d.status, count(a.id) FROM outbound_deliveries d JOIN outbound_attempts a "
                         "ON a.delivery_id = d.id GROUP BY d.id, d.status ORDER BY d.status");
    REQUIRE(s.step());
    CHECK(s.get_text(0) == "failed");
    CHECK(static_cast<int>(s.get_int64(1)) == 1);
    REQUIRE(s.step());
    CHECK(s.get_text(0) == "succeeded");
    CHECK(static_cast<int>(s.get_int64(1)) == 2);
  });
}

// [sqlite]: one daemon owns every claim it finds at start; on a shared database a fresh claim is
// a live node's (store cluster_test: claims are released once stale).
TEST_CASE("a claim left by a crash is delivered after restart; retention prunes finished rows", "[sqlite]") {
  store::test::TempDir dir;
  store::test::SystemClockDb db(dir);
  Receiver r;
  auto cfg = config(r.url(), {"payments.open_banking_user_disconnected"});
  db->write([&](store::WriteTx& tx) { store::outbound_configs::insert(tx, cfg); });
  const int64_t seq = append(*db, store::event_type::kUserDisconnected);
  {
    outbound::Dispatcher d(*db, quick());
    d.fan_out();
    // What a SIGKILL mid-attempt leaves: the delivery claimed, never finished.
    db->write([&](store::WriteTx& tx) {
      auto due = store::outbound_deliveries::due(tx, tx.now(), 10);
      REQUIRE(due.size() == 1);
      store::outbound_deliveries::claim(tx, due[0].id, tx.now());
    });
  }
  CHECK(status_of(*db, seq) == "delivering");
  CHECK(r.count() == 0);
  outbound::Dispatcher again(*db, quick());
  again.start();
  REQUIRE(within(5000, [&] { return status_of(*db, seq) == "succeeded"; }));
  again.stop();
  CHECK(r.count() == 1);
  const int64_t later = db->read([](store::ReadTx& tx) { return tx.now(); }) + 1000;
  int n = db->write([&](store::WriteTx& tx) { return store::outbound_deliveries::prune(tx, later, 100); });
  CHECK(n == 2);  // the delivery (its attempt cascades) and the fanned-out event
  CHECK(store::test::count(*db, "outbound_attempts") == 0);
  CHECK(store::test::count(*db, "events") == 0);
}
