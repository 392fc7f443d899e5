// Delivery limits of docs/events.md "Retries", "Endpoint safety" and "Pipeline": redirects are not
// followed, at most --webhooks-inflight-per-endpoint attempts are in flight per endpoint, kept-alive
// connections are reused, an address refused at attempt time fails the delivery without a request,
// and retention prunes only finished deliveries and fanned-out events.
#include "host/outbound/dispatcher.hpp"
#include "host/outbound/signature.hpp"
#include "host/store/events.hpp"
#include "host/util/encoding.hpp"
#include "unit/store/test_support.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using namespace cx;

namespace {

/// A loopback receiver: /hook answers `status` after `delay_ms`, counting concurrent requests and
/// the client ports seen; /moved counts requests that followed a redirect.
struct Endpoint {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::mutex mu;
  int status = 200, delay_ms = 0, now_in = 0, max_in = 0, hits = 0, moved_hits = 0;
  std::set<int> client_ports;
  Endpoint() {
    server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      int code = 0, delay = 0;
      {
        std::lock_guard lk(mu);
        ++hits;
        max_in = std::max(max_in, ++now_in);
        client_ports.insert(req.remote_port);
        code = status;
        delay = delay_ms;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      if (code / 100 == 3) res.set_header("Location", "http://127.0.0.1:" + std::to_string(port) + "/moved");
      res.status = code;
      std::lock_guard lk(mu);
      --now_in;
    });
    server.Post("/moved", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lk(mu);
      ++moved_hits;
      res.status = 200;
    });
    server.set_keep_alive_max_count(1000);
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  ~Endpoint() {
    server.stop();
    thread.join();
  }
  template <class F>
  auto locked(F&& f) {
    std::lock_guard lk(mu);
    return f();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/hook"; }
};

outbound::DispatcherOptions quick() {
  outbound::DispatcherOptions o;
  o.endpoints.allow_insecure = true;
  o.retry = outbound::RetryPolicy{60'000, 60'000, 3, 600'000};  // no retry within a test
  o.poll_ms = 20;
  o.timeout_ms = 5000;
  return o;
}

std::string subscribe(store::Database& db, const std::string& url) {
  store::OutboundConfig c;
  c.id = util::uuid_v4();
  c.endpoint = url;
  c.secret = outbound::generate_secret();
  c.event_types = {"payments.open_banking_user_disconnected"};
  db.write([&](store::WriteTx& tx) { store::outbound_configs::insert(tx, c); });
  return c.id;
}

void append(store::Database& db, int n) {
  db.write([&](store::WriteTx& tx) {
    for (int i = 0; i < n; ++i)
      store::events::append(tx, store::event_type::kUserDisconnected,
                            boost::json::object{{"psuID", "p" + std::to_string(i)}, {"connectorID", "c"}, {"at", tx.now()}});
  });
}

int with_status(store::Database& db, const char* status) {
  return db.read([&](store::ReadTx& tx) {
    auto& s = tx.prepare("SELECT count(*) FROM outbound_deliveries WHERE status = ?");
    s.bind(1, status);
    s.step();
    return static_cast<int>(s.get_int64(0));
  });
}

template <class F>
bool within(int ms, F&& f) {
  for (int i = 0; i < ms / 10; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return f();
}

}  // namespace

TEST_CASE("a redirect is not followed: the 3xx is the attempt's answer, retried later") {
  store::test::TempDir dir;
  store::test::SystemClockDb db(dir);
  Endpoint ep;
  ep.status = 302;
  subscribe(*db, ep.url());
  outbound::Dispatcher d(*db, quick());
  d.start();
  append(*db, 1);
  REQUIRE(within(5000, [&] {
    return db->read([](store::ReadTx& tx) {
      auto& s = tx.prepare("SELECT count(*) FROM outbound_attempts WHERE status_code = 302 AND outcome = 'retryable_failure'");
      s.step();
      return static_cast<int>(s.get_int64(0)) == 1;
    });
  }));
  d.stop();
  CHECK(with_status(*db, "pending") == 1);
  CHECK(ep.locked([&] { return ep.hits; }) == 1);
  CHECK(ep.locked([&] { return ep.moved_hits; }) == 0);
}

TEST_CASE("at most --webhooks-inflight-per-endpoint attempts in flight per endpoint; connections are kept alive") {
  store::test::TempDir dir;
  store::test::SystemClockDb db(dir);
  Endpoint slow;
  slow.delay_ms = 100;
  subscribe(*db, slow.url());
  auto o = quick();
  o.senders = 8;
  o.per_endpoint = 2;
  outbound::Dispatcher d(*db, o);
  d.start();
  append(*db, 12);
  REQUIRE(within(10000, [&] { return with_status(*db, "succeeded") == 12; }));
  d.stop();
  CHECK(slow.locked([&] { return slow.hits; }) == 12);
  CHECK(slow.locked([&] { return slow.max_in; }) <= 2);
  // Each sender keeps its connection to the endpoint: 12 deliveries arrive over at most as many
  // connections as there are senders, not one each.
  CHECK(slow.locked([&] { return slow.client_ports.size(); }) <= 8);

  // One sender, one endpoint: every delivery reuses the same connection.
  store::test::TempDir dir2;
  store::test::SystemClockDb db2(dir2);
  Endpoint fast;
  subscribe(*db2, fast.url());
  auto one = quick();
  one.senders = 1;
  outbound::Dispatcher d2(*db2, one);
  d2.start();
  append(*db2, 6);
  REQUIRE(within(10000, [&] { return with_status(*db2, "succeeded") == 6; }));
  d2.stop();
  CHECK(fast.locked([&] { return fast.client_ports.size(); }) == 1);
}

TEST_CASE("an address refused at attempt time fails the delivery at once, without a request") {
  store::test::TempDir dir;
  store::test::SystemClockDb db(dir);
  Endpoint ep;
  subscribe(*db, ep.url());  // saved while loopback http was allowed
  auto o = quick();
  o.endpoints.allow_insecure = false;
  outbound::Dispatcher d(*db, o);
  d.start();
  append(*db, 1);
  REQUIRE(within(5000, [&] { return with_status(*db, "failed") == 1; }));
  d.stop();
  CHECK(ep.locked([&] { return ep.hits; }) == 0);
  db->read([](store::ReadTx& tx) {
    auto& s = tx.prepare("SELECT outcome, status_code, error FROM outbound_attempts");
    REQUIRE(s.step());
    CHECK(s.get_text(0) == "permanent_failure");
    CHECK(static_cast<int>(s.get_int64(1)) == 0);
    CHECK(s.get_text(2).find("https") != std::string::npos);
  });
}

TEST_CASE("retention prunes finished deliveries with their attempts and fanned-out events, nothing else") {
  store::test::TempDir dir;
  store::test::SystemClockDb db(dir);
  Endpoint ok;
  Endpoint down;
  down.status = 503;
  subscribe(*db, ok.url());
  subscribe(*db, down.url());
  outbound::Dispatcher d(*db, quick());
  d.start();
  append(*db, 2);
  REQUIRE(within(5000, [&] { return with_status(*db, "succeeded") == 2 && store::test::count(*db, "outbound_attempts") == 4; }));
  d.stop();
  REQUIRE(with_status(*db, "pending") == 2);  // 503: retried in a minute
  append(*db, 1);                               // not fanned out yet
  const int64_t later = db->read([](store::ReadTx& tx) { return tx.now(); }) + 1000;
  int n = db->write([&](store::WriteTx& tx) { return store::outbound_deliveries::prune(tx, later, 100); });
  CHECK(n == 4);  // 2 succeeded deliveries + the 2 fanned-out events
  CHECK(with_status(*db, "succeeded") == 0);
  CHECK(with_status(*db, "pending") == 2);
  CHECK(store::test::count(*db, "outbound_attempts") == 2);  // the pending deliveries' attempts stay
  CHECK(store::test::count(*db, "events") == 1);             // the event past the cursor stays
  // Nothing younger than the retention goes.
  const int64_t earlier = db->read([](store::ReadTx& tx) { return tx.now(); }) - 60'000;
  CHECK(db->write([&](store::WriteTx& tx) { return store::outbound_deliveries::prune(tx, earlier, 100); }) == 0);
}
