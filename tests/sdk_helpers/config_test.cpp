// cx::config: one validator for required / type / format / enum / range, and reads with defaults.
#include <connectivity/config.hpp>

#include <catch2/catch.hpp>

namespace json = boost::json;

namespace {
constexpr const char* kSchema = R"({
  "type": "object",
  "required": ["apiKey", "endpoint"],
  "properties": {
    "apiKey": {"type": "string", "description": "bearer token"},
    "endpoint": {"type": "string", "format": "url"},
    "pageSize": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 25},
    "mode": {"type": "string", "enum": ["live", "test"], "default": "live"},
    "sandbox": {"type": "boolean", "default": false},
    "pollingPeriod": {"type": "string", "format": "duration", "default": "30m"}
  }
})";

std::vector<cx::config::Problem> problems(const json::object& config) {
  return cx::config::check(json::parse(kSchema).as_object(), config);
}
}  // namespace

TEST_CASE("config: a complete config has no problem; unknown fields are accepted") {
  CHECK(problems({{"apiKey", "k"}, {"endpoint", "https://api.acme.example/v1"}, {"name", "x"}, {"other", 1}}).empty());
  CHECK(problems({{"apiKey", "k"}, {"endpoint", "http://127.0.0.1:8080"}, {"pageSize", "50"}, {"mode", "test"},
                  {"sandbox", true}, {"pollingPeriod", "1h30m"}})
            .empty());
}

TEST_CASE("config: each missing or invalid field is named") {
  auto p = problems({{"endpoint", "ftp://x"}, {"pageSize", 0}, {"mode", "prod"}, {"sandbox", "yes"},
                     {"pollingPeriod", "30 minutes"}});
  std::vector<std::string> fields;
  for (auto& x : p) fields.push_back(x.field);
  CHECK(fields == std::vector<std::string>{"apiKey", "endpoint", "pageSize", "mode", "sandbox", "pollingPeriod"});
  CHECK(p[0].message == "apiKey is required");
  CHECK(p[2].message == "pageSize must be between 1 and 1000");
  CHECK(p[3].message == "mode must be one of live, test");
  CHECK(problems({{"apiKey", "  "}, {"endpoint", "https://a"}})[0].message == "apiKey must not be empty");
  CHECK(problems({{"apiKey", 7}, {"endpoint", "https://a"}})[0].message == "apiKey must be a string");
  CHECK(problems({{"apiKey", "k"}, {"endpoint", "https://a"}, {"pollingPeriod", ""}})[0].field == "pollingPeriod");
  for (const char* bad : {"https://user:pw@a.example", "https://a.example/?q=1", "https://a.example/#f", "https://", "a.example", "http://h:99x", "http://h:70000"})
    CHECK(problems({{"apiKey", "k"}, {"endpoint", bad}}).size() == 1);
}

TEST_CASE("config: validate throws INVALID_ARGUMENT naming the first field and listing all") {
  try {
    cx::config::validate(kSchema, json::object{{"endpoint", "nope"}}, "acme config");
    FAIL("no throw");
  } catch (const cx::Failure& e) {
    CHECK(e.code() == CX_ERR_INVALID_ARGUMENT);
    CHECK(e.field() == "apiKey");
    CHECK(std::string(e.what()) == "acme config: apiKey is required; endpoint must be an http(s) URL with a host and "
                                   "no credentials, query or fragment");
  }
}

TEST_CASE("config: Bound reads given values, else the schema's defaults") {
  cx::config::Bound cfg(kSchema, json::object{{"apiKey", "k"}, {"endpoint", "https://a.example"}, {"pageSize", "40"},
                                              {"mode", nullptr}},
                        "acme config");
  CHECK(cfg.string("apiKey") == "k");
  CHECK(cfg.integer("pageSize") == 40);
  CHECK(cfg.given("pageSize"));
  CHECK(cfg.string("mode") == "live");  // null = absent
  CHECK_FALSE(cfg.given("mode"));
  CHECK(cfg.boolean("sandbox") == false);
  CHECK(cfg.duration("pollingPeriod") == std::chrono::minutes(30));
  CHECK_FALSE(cfg.has("missing"));
}

TEST_CASE("config: base_url drops trailing slashes so paths join with one '/'") {
  cx::config::Bound cfg(kSchema, json::object{{"apiKey", "k"}, {"endpoint", "https://a.example/api//"}}, "acme config");
  CHECK(cfg.base_url("endpoint") == "https://a.example/api");
  CHECK(cfg.base_url("missing", "https://b.example/") == "https://b.example");
  CHECK(cx::config::without_trailing_slashes("https://h") == "https://h");
}
