// The echo fixture uses every host service for real: clock, random, state, log redaction and
// HTTP to a loopback server inside the allowlist; a host outside it is refused.
#include "host/plugin/instance.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using namespace cx::plugin;

namespace {
struct LoopbackServer {
  httplib::Server server;
  int port = 0;
  std::thread thread;
  std::string last_body, last_header;
  LoopbackServer() {
    server.Post("/ping", [this](const httplib::Request& req, httplib::Response& res) {
      last_body = req.body;
      last_header = req.get_header_value("X-Echo");
      res.status = 201;
      res.set_content(R"({"pong":true})", "application/json");
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    for (int i = 0; i < 400 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~LoopbackServer() {
    server.stop();
    thread.join();
  }
};

std::shared_ptr<ConnectorInstance> echo(const std::string& endpoint, std::shared_ptr<StateStore> state) {
  auto lib = PluginLibrary::load(std::string(CX_FIXTURE_DIR) + "/echo.so");
  std::string config = R"({"endpoint":")" + endpoint + R"("})";
  auto http = std::make_shared<cx::net::HttpClient>(
      cx::net::allowlist_from_config(config, lib->descriptor().config_schema_json));
  ServiceDeps deps{"echo", http, state, [] { return int64_t{1234567}; }, {"secret-token-1234"}};
  return ConnectorInstance::create(lib, std::make_unique<HostServices>(std::move(deps)), config);
}
}  // namespace

TEST_CASE("echo reaches every host service") {
  LoopbackServer srv;
  std::string base = "http://127.0.0.1:" + std::to_string(srv.port);
  auto state = std::make_shared<MemoryStateStore>();
  auto inst = echo(base, state);
  boost::json::value out;
  auto r = inst->call_json(Op::FetchAccounts, R"({"url":")" + base + R"(/ping"})", out);
  REQUIRE(r.ok());
  auto& o = out.as_object();
  CHECK(o.at("now").as_int64() == 1234567);
  CHECK(o.at("random").as_int64() == 16);
  CHECK(o.at("stateRoundTrip").as_string() == "v1");
  CHECK(o.at("stateAfterDelete").as_string() == "absent");
  CHECK(o.at("httpStatus").as_int64() == 201);
  CHECK(o.at("httpBody").as_string() == R"({"pong":true})");
  CHECK(srv.last_body == R"({"ping":true})");
  CHECK(srv.last_header == "1");
  CHECK_FALSE(state->get("k").has_value());
}

TEST_CASE("egress outside the connector's allowlist is refused with CX_ERR_AUTH") {
  LoopbackServer srv;
  auto inst = echo("http://127.0.0.1:" + std::to_string(srv.port), nullptr);
  // Same server, reached under another authority: not in the allowlist.
  auto r = inst->call(Op::FetchAccounts, R"({"url":"http://localhost:)" + std::to_string(srv.port) + R"(/ping"})");
  CHECK(r.code == CX_ERR_AUTH);
  CHECK_THAT(r.message(), Catch::Matchers::Contains("not in this connector's allowlist"));
  CHECK(srv.last_body.empty());
}

TEST_CASE("an unreachable allowlisted host is an upstream error, not a crash") {
  // A port that was bound and closed without listen(): connecting to it is refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  auto inst = echo("http://127.0.0.1:" + std::to_string(port), nullptr);
  auto r = inst->call(Op::FetchAccounts, R"({"url":"http://127.0.0.1:)" + std::to_string(port) + R"(/ping"})");
  CHECK(r.code == CX_ERR_UPSTREAM);
}

TEST_CASE("secrets are redacted from plugin log lines") {
  HostServices hs(ServiceDeps{"x", nullptr, nullptr, nullptr, {"hunter2-secret", "ab"}});
  CHECK(hs.redact("token=hunter2-secret; again hunter2-secret") == "token=[REDACTED]; again [REDACTED]");
  CHECK(hs.redact("ab stays: too short to be a secret") == "ab stays: too short to be a secret");
}
