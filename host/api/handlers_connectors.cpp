// Connectors: install, list, configs, capabilities, get/patch config, uninstall, reset.
#include "host/api/catalog.hpp"
#include "host/api/errors.hpp"
#include "host/api/json_output.hpp"
#include "host/api/presenters.hpp"
#include "host/api/routes.hpp"
#include "host/api/validation.hpp"
#include "host/plugin/faults.hpp"

#include <botan/hash.h>
#include <botan/hex.h>

#include <algorithm>
#include <cctype>

namespace cx::api {
namespace json = boost::json;
namespace {

// The reference caps install and config bodies at 500 000 bytes.
constexpr size_t kMaxConfigBytes = 500000;

json::object config_body(const RouteContext& c) {
  if (c.request.body.size() > kMaxConfigBytes)
    throw ApiError(413, code::kMissingOrInvalidBody, "config body exceeds 500000 bytes");
  return parse_object_body(c.request.body);
}

std::vector<std::string> capabilities_of(const Services& s, const std::string& provider) {
  for (const auto& p : s.backend.plugins())
    if (p.id == provider) return capability_names(p.capabilities);
  return {};
}

std::string strong_etag(const std::string& body) {
  auto h = Botan::HashFunction::create_or_throw("SHA-256");
  h->update(body);
  auto digest = h->final();
  return "\"" + Botan::hex_encode(digest.data(), 16, false) + "\"";
}

bool etag_matches(std::string_view if_none_match, const std::string& etag) {
  size_t start = 0;
  while (start < if_none_match.size()) {
    size_t comma = if_none_match.find(',', start);
    if (comma == std::string_view::npos) comma = if_none_match.size();
    std::string_view tag = if_none_match.substr(start, comma - start);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == "*" || tag == etag) return true;
    start = comma + 1;
  }
  return false;
}

}  // namespace

void add_connector_routes(Api& api, const Services& s) {
  api.add("POST", v3("/connectors/install/{connector}"), Access::Private, [s](const RouteContext& c) {
    std::string provider = c.param("connector");
    std::transform(provider.begin(), provider.end(), provider.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    json::object config = config_body(c);
    std::string id = unwrap(s.backend.install_connector(provider, config));
    return data_response(202, json::value(id));
  });

  api.add("GET", v3("/connectors"), Access::Private, [s](const RouteContext& c) {
    std::map<std::string, std::vector<std::string>> caps;
    for (const auto& p : s.backend.plugins()) caps[p.id] = capability_names(p.capabilities);
    return list_response(c, [&](const PageRequest& r) {
      auto page = s.db.read([&](store::ReadTx& tx) { return store::connectors::list(tx, r.query); });
      return render_page(page, [&](const store::ConnectorRecord& rec) { return connector_json(rec, caps[rec.provider]); });
    });
  });

  api.add("GET", v3("/connectors/configs"), Access::Private, [s](const RouteContext&) {
    json::object data;
    for (const auto& p : s.backend.plugins()) data[p.id] = config_fields(p.config_schema_json);
    return data_response(200, data);
  });

  api.add("GET", v3("/connectors/capabilities"), Access::Private, [s](const RouteContext& c) {
    json::object data;
    for (const auto& p : s.backend.plugins()) {
      json::array caps;
      for (auto& name : capability_names(p.capabilities)) caps.emplace_back(name);
      data[p.id] = std::move(caps);
    }
    std::string body = data_envelope(data);
    std::string etag = strong_etag(body);
    ApiResponse r;
    if (auto inm = c.request.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
      r.status = 304;
    } else {
      r = json_response(200, std::move(body));
    }
    r.headers.emplace_back("ETag", etag);
    r.headers.emplace_back("Cache-Control", "public, max-age=3600, must-revalidate");
    return r;
  });

  api.add("GET", v3("/connectors/{connectorID}/capabilities"), Access::Private, [s](const RouteContext& c) {
    auto rec = require_connector(s.db, connector_id_param(c));
    json::array caps;
    for (auto& name : capabilities_of(s, rec.provider)) caps.emplace_back(name);
    return data_response(200, caps);
  });

  // The webhook URLs the provider must deliver to: for providers without a subscription API
  // (Powens) the operator registers them in the provider's console. Secrets are not shown.
  api.add("GET", v3("/connectors/{connectorID}/webhooks"), Access::Private, [s](const RouteContext& c) {
    auto rec = require_connector(s.db, connector_id_param(c));
    auto hooks = s.db.read([&](store::ReadTx& tx) { return store::webhook_configs::list(tx, rec.id); });
    const std::string base = s.backend.webhook_base_url(rec.id);
    json::array out;
    for (auto& h : hooks) {
      json::object o{{"name", h.name}, {"urlPath", h.url_path}};
      if (!base.empty()) o["url"] = base + h.url_path;
      out.push_back(std::move(o));
    }
    return data_response(200, out);
  });

  api.add("GET", v3("/connectors/{connectorID}/config"), Access::Private, [s](const RouteContext& c) {
    auto rec = require_connector(s.db, connector_id_param(c));
    json::object config = rec.config;
    config["provider"] = title_case(rec.provider);
    if (!config.contains("name")) config["name"] = rec.name;
    return data_response(200, config);
  });

  api.add("PATCH", v3("/connectors/{connectorID}/config"), Access::Private, [s](const RouteContext& c) {
    std::string id = connector_id_param(c);
    json::object config = config_body(c);
    require_connector(s.db, id);
    unwrap(s.backend.update_connector_config(id, config));
    return no_content();
  });

  api.add("DELETE", v3("/connectors/{connectorID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = connector_id_param(c);
    require_connector(s.db, id);
    return task_accepted(unwrap(s.backend.uninstall_connector(id)));
  });

  // Lifts a plugin quarantine (not v3: the reference has no such state). The connector's data
  // and schedules are kept; its calls reach the plugin again.
  api.add("DELETE", v3("/connectors/{connectorID}/quarantine"), Access::Private, [s](const RouteContext& c) {
    std::string id = connector_id_param(c);
    require_connector(s.db, id);
    if (!plugin::FaultBook::get().lift(id)) throw ApiError(404, code::kNotFound, "connector is not quarantined");
    return no_content();
  });

  api.add("POST", v3("/connectors/{connectorID}/reset"), Access::Private, [s](const RouteContext& c) {
    std::string id = connector_id_param(c);
    require_connector(s.db, id);
    return data_response(202, json::value(unwrap(s.backend.reset_connector(id))));
  });
}

}  // namespace cx::api
