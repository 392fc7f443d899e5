#include "host/api/handler_support.hpp"

#include "host/api/errors.hpp"
#include "host/api/json_output.hpp"
#include "host/util/ids.hpp"

namespace cx::api {
namespace json = boost::json;

std::string canonical_connector_id(std::string_view raw, std::string_view name) {
  auto id = ids::decode_connector_id(raw);
  if (!id) throw invalid_id(name, raw);
  return ids::encode(*id);
}

std::string connector_id_param(const RouteContext& c, std::string_view name) {
  return canonical_connector_id(c.param(name), name);
}

std::string account_id_param(const RouteContext& c) {
  const auto& raw = c.param("accountID");
  auto id = ids::decode_account_id(raw);
  if (!id) throw invalid_id("accountID", raw);
  return ids::encode(*id);
}

std::string payment_id_param(const RouteContext& c) {
  const auto& raw = c.param("paymentID");
  auto id = ids::decode_payment_id(raw);
  if (!id) throw invalid_id("paymentID", raw);
  return ids::encode(*id);
}

std::string task_id_param(const RouteContext& c) {
  const auto& raw = c.param("taskID");
  auto id = ids::decode_scoped_id(raw);
  if (!id) throw invalid_id("taskID", raw);
  return ids::encode(*id);
}

std::string uuid_param(const RouteContext& c, std::string_view name) {
  const auto& raw = c.param(name);
  auto id = ids::normalize_uuid(raw);
  if (!id) throw invalid_id(name, raw);
  return *id;
}

std::string opaque_param(const RouteContext& c, std::string_view name) {
  const auto& raw = c.param(name);
  if (raw.empty() || raw.size() > 1024) throw invalid_id(name, raw);
  return raw;
}

store::ConnectorRecord require_connector(store::Database& db, const std::string& id) {
  auto c = db.read([&](store::ReadTx& tx) { return store::connectors::get(tx, id); });
  if (!c) throw not_found("connector not found");
  return std::move(*c);
}

store::PsuRecord require_psu(store::Database& db, const std::string& id) {
  auto p = db.read([&](store::ReadTx& tx) { return store::psus::get(tx, id); });
  if (!p) throw not_found("payment service user not found");
  return std::move(*p);
}

ApiResponse data_response(int status, json::value v) { return json_response(status, data_envelope(std::move(v))); }

ApiResponse task_accepted(const std::string& task_id) {
  return data_response(202, json::object{{"taskID", task_id}});
}

void raise(const Failure& f) { throw ApiError(f.status, f.code, f.message); }

ApiResponse list_response(const RouteContext& c, const std::function<RenderedPage(const PageRequest&)>& fetch,
                          json::object options) {
  const ApiRequest& r = c.request;
  PageInputs in;
  in.cursor = r.param("cursor");
  in.page_size = r.param("pageSize");
  in.filter_text = !r.body.empty() ? std::string_view(r.body) : r.param("query").value_or("");
  in.options = std::move(options);
  PageRequest req = read_page_request(in);
  RenderedPage page = fetch(req);
  const int size = req.query.page_size;
  std::string previous = page.has_newer && page.first ? encode_cursor(req, CursorSide::Before, *page.first) : "";
  std::string next = page.has_more && page.last ? encode_cursor(req, CursorSide::After, *page.last) : "";
  return json_response(200, cursor_envelope(size, page.has_more, previous, next, std::move(page.items)));
}

std::string v3(std::string_view suffix) { return std::string(kBasePath) + std::string(suffix); }

}  // namespace cx::api
