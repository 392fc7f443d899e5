#include "host/api/auth.hpp"
#include "host/api/metrics.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

using namespace cx::api;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir(const char* name) {
  auto d = fs::temp_directory_path() / (std::string("cx_api_") + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
}  // namespace

TEST_CASE("bearer tokens") {
  Authenticator a({"alpha", " beta "});
  CHECK(a.check(std::string_view("Bearer alpha")));
  CHECK(a.check(std::string_view("bearer beta")));
  CHECK_FALSE(a.check(std::nullopt));
  CHECK_FALSE(a.check(std::string_view("Bearer alph")));
  CHECK_FALSE(a.check(std::string_view("Bearer alphaa")));
  CHECK_FALSE(a.check(std::string_view("Basic alpha")));
  CHECK_FALSE(a.check(std::string_view("alpha")));
  CHECK(Authenticator::allow_all().check(std::nullopt));
  CHECK(split_tokens(" a, ,b ,", ',') == std::vector<std::string>{"a", "b"});
}

TEST_CASE("configure_auth: env, file, generated, insecure") {
  auto dir = temp_dir("auth");
  AuthSettings s;
  s.data_dir = dir;
  s.env_tokens = "t1,t2";
  auto env = configure_auth(s);
  CHECK(env.authenticator.token_count() == 2);
  CHECK_FALSE(env.generated_token_file);

  s.env_tokens.reset();
  std::ofstream(dir / "tokens") << "# comment\nfromfile\n\n";
  s.tokens_file = dir / "tokens";
  CHECK(configure_auth(s).authenticator.check(std::string_view("Bearer fromfile")));

  s.tokens_file = dir / "missing";
  CHECK_THROWS_AS(configure_auth(s), AuthConfigError);

  s.tokens_file.reset();
  auto gen = configure_auth(s);
  REQUIRE(gen.generated_token_file);
  struct stat st {};
  REQUIRE(::stat(gen.generated_token_file->c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string token;
  std::ifstream(*gen.generated_token_file) >> token;
  CHECK(token.size() >= 40);
  CHECK(gen.authenticator.check("Bearer " + token));
  // Reused on the next start.
  CHECK(configure_auth(s).authenticator.check("Bearer " + token));

  s.generate_when_missing = false;
  fs::remove(*gen.generated_token_file);
  CHECK_THROWS_AS(configure_auth(s), AuthConfigError);

  s.insecure_no_auth = true;
  s.listen_host = "127.0.0.1";
  CHECK_FALSE(configure_auth(s).authenticator.enabled());
  s.listen_host = "0.0.0.0";
  CHECK_THROWS_AS(configure_auth(s), AuthConfigError);
  s.listen_host = "192.168.1.2";
  CHECK_THROWS_AS(configure_auth(s), AuthConfigError);
  CHECK(is_loopback_host("localhost"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("127.1.2.3"));
  fs::remove_all(dir);
}

TEST_CASE("metrics exposition") {
  Metrics m;
  m.record_request("/api/payments/v3/accounts", "GET", 200, 0.003);
  m.record_request("/api/payments/v3/accounts", "GET", 200, 0.2);
  m.record_request("/api/payments/v3/accounts", "GET", 400, 0.0001);
  m.set_task_states([] { return std::map<std::string, int64_t>{{"PROCESSING", 3}, {"FAILED", 1}}; });
  m.set_plugin_calls([] {
    return std::vector<Metrics::PluginCall>{{"powens", "fetch_accounts", "ok", 7}};
  });
  m.add_family("cx_broken", "throws", "gauge", []() -> std::vector<MetricSample> { throw std::runtime_error("x"); });
  std::string t = m.render();
  CHECK_THAT(t, Catch::Contains(
                    R"(cx_http_requests_total{route="/api/payments/v3/accounts",method="GET",status="200"} 2)"));
  CHECK_THAT(t, Catch::Contains(
                    R"(cx_http_requests_total{route="/api/payments/v3/accounts",method="GET",status="400"} 1)"));
  CHECK_THAT(t, Catch::Contains(R"(cx_http_request_duration_seconds_bucket{route="/api/payments/v3/accounts",le="0.005"} 2)"));
  CHECK_THAT(t, Catch::Contains(R"(cx_http_request_duration_seconds_bucket{route="/api/payments/v3/accounts",le="+Inf"} 3)"));
  CHECK_THAT(t, Catch::Contains(R"(cx_http_request_duration_seconds_count{route="/api/payments/v3/accounts"} 3)"));
  CHECK_THAT(t, Catch::Contains(R"(cx_tasks{state="PROCESSING"} 3)"));
  CHECK_THAT(t, Catch::Contains(R"(cx_plugin_calls_total{connector="powens",op="fetch_accounts",outcome="ok"} 7)"));
  CHECK_THAT(t, !Catch::Contains("cx_broken"));
  CHECK(escape_label("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");

  // Setting a source again replaces it: each family appears once.
  m.set_task_states([] { return std::map<std::string, int64_t>{{"PROCESSING", 9}}; });
  std::string again = m.render();
  CHECK_THAT(again, Catch::Contains(R"(cx_tasks{state="PROCESSING"} 9)"));
  CHECK(again.find("# TYPE cx_tasks gauge") == again.rfind("# TYPE cx_tasks gauge"));
}
