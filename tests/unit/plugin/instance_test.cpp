// Calling ops through the C ABI: exceptions, invalid output, deadlines, create failures.
#include "host/plugin/instance.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace cx::plugin;

namespace {
std::shared_ptr<ConnectorInstance> instance(const std::string& name, const std::string& config = "{}") {
  auto lib = PluginLibrary::load(std::string(CX_FIXTURE_DIR) + "/" + name + ".so");
  return ConnectorInstance::create(lib, std::make_unique<HostServices>(ServiceDeps{name, nullptr, nullptr, nullptr, {}}),
                                   config);
}
}  // namespace

TEST_CASE("an exception thrown by an op becomes CX_ERR_INTERNAL with its message") {
  auto inst = instance("op_throws");
  auto r = inst->call(Op::FetchAccounts, "{}");
  CHECK(r.code == CX_ERR_INTERNAL);
  CHECK(r.message() == "boom in fetch_accounts");
}

TEST_CASE("a cx::Failure keeps its code and retry hint across the ABI") {
  auto r = instance("op_throws")->call(Op::FetchPayments, "{}");
  CHECK(r.code == CX_ERR_RATE_LIMITED);
  CHECK(r.message() == "slow down");
  CHECK(r.retry_after_ms() == 1500);
}

TEST_CASE("an unsupported op is reported without calling the plugin") {
  auto r = instance("op_throws")->call(Op::CreateUser, "{}");
  CHECK(r.code == CX_ERR_UNSUPPORTED);
  CHECK(r.message() == "connector op_throws does not support create_user");
}

TEST_CASE("invalid JSON from a plugin is an internal error naming the connector and op") {
  boost::json::value out;
  auto r = instance("op_returns_invalid_json")->call_json(Op::FetchAccounts, "{}", out);
  CHECK(r.code == CX_ERR_INTERNAL);
  CHECK_THAT(r.message(), Catch::Matchers::StartsWith("fetch_accounts output of connector op_returns_invalid_json "
                                                      "(provider op_returns_invalid_json) is not JSON"));
  CHECK(r.violation);
}

TEST_CASE("a slow op is cut off at its deadline and the caller gets CX_ERR_TIMEOUT") {
  auto inst = instance("slow_op");
  auto t0 = std::chrono::steady_clock::now();
  auto r = inst->call_within(Op::FetchAccounts, "{}", 200);
  auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(r.code == CX_ERR_TIMEOUT);
  CHECK_THAT(r.message(), Catch::Matchers::Contains("exceeded its deadline of 200 ms"));
  CHECK(waited < std::chrono::milliseconds(1500));
}

TEST_CASE("a fast op under call_within returns its output") {
  auto r = instance("bench_noop")->call_within(Op::FetchAccounts, R"({"x":1})", 5000);
  CHECK(r.ok());
  CHECK(r.out == R"({"accounts":[],"hasMore":false,"newState":{"x":1}})");
}

TEST_CASE("create() failure surfaces the plugin's message and field") {
  try {
    instance("create_fails");
    FAIL("create should have failed");
  } catch (const CreateError& e) {
    CHECK(e.code == CX_ERR_INVALID_ARGUMENT);
    CHECK(std::string(e.what()) == "apiKey is required");
    CHECK(e.field == "apiKey");
  }
}

TEST_CASE("the call observer sees every call with its outcome") {
  std::vector<std::pair<Op, int32_t>> seen;
  set_call_observer([&](const std::string&, Op op, int32_t code, double) { seen.emplace_back(op, code); });
  auto inst = instance("op_throws");
  inst->call(Op::FetchAccounts, "{}");
  inst->call(Op::FetchPayments, "{}");
  set_call_observer(nullptr);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == std::make_pair(Op::FetchAccounts, int32_t{CX_ERR_INTERNAL}));
  CHECK(seen[1] == std::make_pair(Op::FetchPayments, int32_t{CX_ERR_RATE_LIMITED}));
}
