// Ops through a connectivity-plugin-host runner: same outputs and host services as in-process,
// crashes reported with their signal and followed by a fresh runner, hangs killed, the crash
// budget quarantining the connector until lifted.
#include "host/plugin/instance.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <signal.h>

using namespace cx::plugin;

namespace {
/// Process isolation for the scope of a test (the library default is in-process).
struct Isolated {
  explicit Isolated(int64_t grace_ms = 2000) {
    IsolationSettings s;
    s.process = true;
    s.runner = std::string(CX_BIN_DIR) + "/connectivity-plugin-host";
    s.grace_ms = grace_ms;
    set_isolation(s);
  }
  ~Isolated() { set_isolation(IsolationSettings{}); }
};

std::shared_ptr<ConnectorInstance> instance(const std::string& fixture, const std::string& connector_id,
                                            const std::string& config = "{}") {
  auto lib = PluginLibrary::load(std::string(CX_FIXTURE_DIR) + "/" + fixture + ".so");
  return ConnectorInstance::create(
      lib, std::make_unique<HostServices>(ServiceDeps{connector_id, nullptr, nullptr, nullptr, {}}), config);
}

int64_t deadline_in(int64_t ms) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
             .count() +
         ms;
}
}  // namespace

TEST_CASE("isolated: every host service answers over the channel as it does in-process") {
  auto local = instance("echo", "echo-local", R"({"endpoint":"http://127.0.0.1:1"})");
  Isolated iso;
  auto remote = instance("echo", "echo-remote", R"({"endpoint":"http://127.0.0.1:1"})");
  REQUIRE(remote->runner_pid() > 0);
  REQUIRE(local->runner_pid() == 0);
  auto a = local->call(Op::FetchAccounts, R"({"q":1})");
  auto b = remote->call(Op::FetchAccounts, R"({"q":1})");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  auto ja = boost::json::parse(a.out).as_object(), jb = boost::json::parse(b.out).as_object();
  CHECK(jb.at("random") == 16);
  CHECK(jb.at("stateRoundTrip") == "v1");
  CHECK(jb.at("stateAfterDelete") == "absent");
  CHECK(jb.at("request") == ja.at("request"));
  CHECK(jb.at("now").as_int64() >= ja.at("now").as_int64());
}

TEST_CASE("isolated: a plugin refusing its config is a CreateError naming the field") {
  Isolated iso;
  try {
    instance("create_fails", "cf");
    FAIL("create should fail");
  } catch (const CreateError& e) {
    CHECK(e.code == CX_ERR_INVALID_ARGUMENT);
    CHECK(e.field == "apiKey");
  }
}

TEST_CASE("isolated: a crash fails the op naming the signal, a new runner serves the next call, the budget quarantines") {
  Isolated iso;
  const std::string id = "faulty-unit-segv";
  auto inst = instance("faulty", id, R"({"fault":"segv"})");
  int first_pid = inst->runner_pid();
  auto r = inst->call(Op::FetchAccounts, "{}", deadline_in(5000));
  CHECK(r.code == CX_ERR_UPSTREAM);
  CHECK_THAT(r.message(), Catch::Matchers::Contains("signal 11 (SIGSEGV)") && Catch::Matchers::Contains("fetch_accounts"));
  CHECK(inst->runner_pid() == 0);
  r = inst->call(Op::FetchAccounts, "{}", deadline_in(5000));  // restarted, crashes again
  CHECK_THAT(r.message(), Catch::Matchers::Contains("SIGSEGV"));
  CHECK_FALSE(FaultBook::get().quarantined(id));
  r = inst->call(Op::FetchAccounts, "{}", deadline_in(5000));
  auto q = FaultBook::get().quarantined(id);
  REQUIRE(q);
  CHECK_THAT(q->reason, Catch::Matchers::Contains("3 faults within 10 minutes"));
  // Quarantined: refused before the plugin, retryable with a hint.
  r = inst->call(Op::FetchAccounts, "{}", deadline_in(5000));
  CHECK(r.code == CX_ERR_UPSTREAM);
  CHECK(r.retry_after_ms() == 60000);
  CHECK_THAT(r.message(), Catch::Matchers::Contains("quarantined"));
  CHECK(FaultBook::get().lift(id));
  CHECK_FALSE(FaultBook::get().lift(id));
  r = inst->call(Op::FetchAccounts, "{}", deadline_in(5000));
  CHECK_THAT(r.message(), Catch::Matchers::Contains("SIGSEGV"));  // reaches the plugin again
  CHECK(first_pid > 0);
  FaultBook::get().forget(id);
}

TEST_CASE("isolated: an op past its deadline plus the grace is killed as TIMEOUT and the runner replaced") {
  Isolated iso(100);
  auto inst = instance("faulty", "faulty-unit-hang", R"({"fault":"hang","hangMs":30000})");
  int pid = inst->runner_pid();
  auto t0 = std::chrono::steady_clock::now();
  auto r = inst->call(Op::FetchAccounts, "{}", deadline_in(200));
  CHECK(r.code == CX_ERR_TIMEOUT);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  CHECK(::kill(pid, 0) != 0);  // the runner is gone (and reaped)
  // A synchronous call is bounded by its own timeout, the runner killed with it.
  t0 = std::chrono::steady_clock::now();
  r = inst->call_within(Op::VerifyWebhook, "{}", 300);
  CHECK(r.code == CX_ERR_TIMEOUT);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  FaultBook::get().forget("faulty-unit-hang");
}

TEST_CASE("isolated: the runner exits when the instance is destroyed") {
  Isolated iso;
  int pid;
  {
    auto inst = instance("bench_noop", "noop-unit");
    pid = inst->runner_pid();
    REQUIRE(inst->call(Op::FetchAccounts, R"({"x":1})").out == R"({"accounts":[],"hasMore":false,"newState":{"x":1}})");
  }
  CHECK(::kill(pid, 0) != 0);
}
