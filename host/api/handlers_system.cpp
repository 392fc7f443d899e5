// /_healthcheck (public liveness), /_info (version, ABI, loaded plugins) and /metrics
// (Prometheus text, the one non-JSON answer). The metrics also get the backend's task counts.
#include "host/api/catalog.hpp"
#include "host/api/json_output.hpp"
#include "host/api/routes.hpp"

#include <connectivity/abi.h>

namespace cx::api {
namespace json = boost::json;
namespace {

std::string abi_text(uint32_t v) { return std::to_string(CX_ABI_MAJOR(v)) + "." + std::to_string(CX_ABI_MINOR(v)); }

}  // namespace

void add_system_routes(Api& api, const Services& s) {
  Backend* backend = &s.backend;
  api.metrics().set_task_states([backend] { return backend->task_counts(); });

  api.add("GET", "/_healthcheck", Access::Public,
          [](const RouteContext&) { return json_response(200, R"({"status":"OK"})"); });

  api.add("GET", "/_info", Access::Private, [s](const RouteContext&) {
    json::array plugins;
    for (const auto& p : s.backend.plugins()) {
      json::array caps;
      for (auto& c : capability_names(p.capabilities)) caps.emplace_back(c);
      plugins.push_back(json::object{{"id", p.id},
                                     {"version", p.version},
                                     {"abiVersion", abi_text(p.abi_version)},
                                     {"openBanking", (p.capabilities & CX_CAP_OPEN_BANKING) != 0},
                                     {"capabilities", std::move(caps)}});
    }
    json::object info{{"name", "connectivityd"},
                      {"version", s.version},
                      {"abiVersion", abi_text(CX_ABI_VERSION)},
                      {"plugins", std::move(plugins)}};
    if (s.node_info)
      for (auto& [k, v] : s.node_info()) info[k] = v;
    return json_response(200, json::serialize(info));
  });

  api.add("GET", "/metrics", Access::Private, [&api](const RouteContext&) {
    ApiResponse r = json_response(200, api.metrics().render());
    r.content_type = "text/plain; version=0.0.4";
    return r;
  });
}

}  // namespace cx::api
