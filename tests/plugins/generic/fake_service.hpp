// An in-memory generic-connector service for the connector's unit tests, plugged into the SDK's
// FakeHost, plus a Poller that plays the host's fetch loop (call again while hasMore; a failed
// call is retried with the same state, as the engine does).
#pragma once

#include <connectivity/testing/fake_host.hpp>
#include <connectivity/time.hpp>

#include <catch2/catch.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <httplib.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

extern "C" const cx_connector* cx_connector_entry(uint32_t host_abi_version);

using namespace std::string_view_literals;  // Driver::call(slot, "…"sv): a bare literal is ambiguous

namespace gtest {

inline const char* const kEndpoint = "http://svc.test/api";
inline const char* const kConfig = R"({"name":"g","apiKey":"secret-key","endpoint":"http://svc.test/api/"})";

/// The generic API over in-memory lists, with the knobs the paging tests need.
/// The decoded query parameters of a relative URL ("/path?a=1&b=2" or "?a=1").
inline std::multimap<std::string, std::string> query_params(const std::string& target) {
  std::multimap<std::string, std::string> out;
  for (auto p : boost::urls::parse_relative_ref(target).value().params()) out.emplace(p.key, p.value);
  return out;
}

class FakeService {
 public:
  bool exclusive_bound = false;             ///< `…From` filters ts > bound instead of ts >= bound
  std::optional<size_t> forced_page_size;   ///< the service ignores pageSize and uses this
  /// Called before serving a list request (n counts them from 1); a response replaces it.
  std::function<std::optional<cx::HttpResponse>(const std::string& path, int n)> fault;
  std::map<std::string, boost::json::object> balances;  ///< account id -> Balances body
  int list_requests = 0;

  /// Inserts or replaces (by id, keeping the original position among equal timestamps) an item.
  void put(const char* list, boost::json::object item) {
    auto& v = lists_[list];
    std::string id(item.at("id").as_string());
    for (auto& e : v)
      if (e.id == id) {
        e.body = std::move(item);
        return;
      }
    v.push_back(Entry{id, seq_++, std::move(item)});
  }
  void transaction(boost::json::object item) { put("/transactions", std::move(item)); }

  /// The current items of a list, by id.
  std::map<std::string, boost::json::object> truth(const char* list) const {
    std::map<std::string, boost::json::object> m;
    if (auto it = lists_.find(list); it != lists_.end())
      for (auto& e : it->second) m[e.id] = e.body;
    return m;
  }

  cx::HttpResponse handle(const cx::HttpRequest& r) {
    auto auth = std::find_if(r.headers.begin(), r.headers.end(), [](auto& h) { return h.first == "Authorization"; });
    if (auth == r.headers.end() || auth->second != "Bearer secret-key")
      return {401, {}, R"({"Title":"Unauthorized","Detail":"missing or wrong API key"})"};
    REQUIRE(r.url.rfind(kEndpoint, 0) == 0);
    std::string rest = r.url.substr(std::string(kEndpoint).size());
    std::string path = rest.substr(0, rest.find('?'));
    std::multimap<std::string, std::string> params = query_params(rest);
    auto param = [&](const char* k) -> std::optional<std::string> {
      auto it = params.find(k);
      return it == params.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    if (path.starts_with("/accounts/") && path.ends_with("/balances")) {
      std::string id = boost::urls::make_pct_string_view(path.substr(10, path.size() - 19)).value().decode();
      auto it = balances.find(id);
      if (it == balances.end()) return {404, {}, R"({"Title":"Not Found","Detail":"no such account"})"};
      return {200, {}, boost::json::serialize(it->second)};
    }
    const char* ts = path == "/transactions" ? "updatedAt" : "createdAt";
    const std::string from_param = std::string(ts) + "From";
    if (param("sort") != std::string(ts) + ":asc") return {400, {}, R"({"Title":"Bad Request","Detail":"sort"})"};
    ++list_requests;
    if (fault)
      if (auto f = fault(path, list_requests)) return *f;
    size_t page = std::stoul(param("page").value_or("1"));
    size_t size = forced_page_size.value_or(std::stoul(param("pageSize").value_or("100")));
    std::optional<int64_t> from;
    if (auto f = param(from_param.c_str())) from = cx::time::parse_rfc3339(*f);

    std::vector<const Entry*> rows;
    for (auto& e : lists_[path]) {
      int64_t t = *cx::time::parse_rfc3339(e.body.at(ts).as_string());
      if (!from || (exclusive_bound ? t > *from : t >= *from)) rows.push_back(&e);
    }
    std::stable_sort(rows.begin(), rows.end(), [&](const Entry* a, const Entry* b) {
      int64_t ta = *cx::time::parse_rfc3339(a->body.at(ts).as_string());
      int64_t tb = *cx::time::parse_rfc3339(b->body.at(ts).as_string());
      return ta != tb ? ta < tb : a->seq < b->seq;
    });
    boost::json::array out;
    for (size_t i = (page - 1) * size; i < rows.size() && i < page * size; ++i) out.push_back(rows[i]->body);
    return {200, {{"content-type", "application/json"}}, boost::json::serialize(out)};
  }

 private:
  struct Entry {
    std::string id;
    uint64_t seq;
    boost::json::object body;
  };
  std::map<std::string, std::vector<Entry>> lists_;
  uint64_t seq_ = 0;
};

/// A transaction as the API serves it.
inline boost::json::object tx(const std::string& id, const std::string& updated_at, const std::string& status = "SUCCEEDED",
                              const std::string& created_at = "2024-01-01T00:00:00Z") {
  return {{"id", id},           {"createdAt", created_at}, {"updatedAt", updated_at}, {"currency", "EUR/2"},
          {"type", "PAYIN"},    {"status", status},        {"amount", "100"},         {"metadata", nullptr}};
}

/// The host's fetch loop for one task.
class Poller {
 public:
  Poller(const cx::testing::Driver& d, cx::testing::Driver::Slot slot, const char* key, int64_t page_size)
      : d_(d), slot_(slot), key_(key), page_size_(page_size) {}

  /// Calls until hasMore is false; a failed call is retried with the same state (up to 50 times
  /// in a row). Returns the items delivered in this poll, in order.
  std::vector<boost::json::object> poll() {
    std::vector<boost::json::object> got;
    int failures = 0;
    for (int calls = 0; calls < 100000; ++calls) {
      boost::json::object req{{"state", state}, {"fromPayload", nullptr}, {"pageSize", page_size_}};
      cx::testing::Outcome o = d_.call(slot_, req);
      if (o.code != CX_OK) {
        ++failed_calls;
        REQUIRE(++failures < 50);
        continue;
      }
      failures = 0;
      auto v = o.json().as_object();
      for (auto& item : v.at(key_).as_array()) got.push_back(item.as_object());
      state = v.at("newState");
      if (!v.at("hasMore").as_bool()) return got;
    }
    FAIL("the connector never finished paging");
    return got;
  }

  boost::json::value state = nullptr;
  int failed_calls = 0;

 private:
  const cx::testing::Driver& d_;
  cx::testing::Driver::Slot slot_;
  const char* key_;
  int64_t page_size_;
};

/// Query parameter of a recorded request URL (decoded), or nullopt.
inline std::optional<std::string> query_param(const std::string& url, const std::string& key) {
  auto q = url.find('?');
  if (q == std::string::npos) return std::nullopt;
  auto params = query_params(url.substr(q));
  auto it = params.find(key);
  return it == params.end() ? std::nullopt : std::optional<std::string>(it->second);
}

}  // namespace gtest
