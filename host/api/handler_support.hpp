// What every handler file shares: the services handlers use, path-parameter decoding (→ 400
// INVALID_ID), existence checks (→ 404), Backend result unwrapping, and the list-route driver
// that turns pageSize/cursor/filter into a store PageQuery and a page into the cursor envelope.
#pragma once

#include "host/api/api.hpp"
#include "host/api/backend.hpp"
#include "host/api/cursor.hpp"
#include "host/reconciliation/ledger_side.hpp"
#include "host/store/store.hpp"

#include <boost/json.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace cx::api {

/// Handlers capture a copy; the referenced objects must outlive the Api.
struct Services {
  store::Database& db;
  Backend& backend;
  std::string version = "dev";  ///< daemon version for /_info
  recon::LedgerSide ledger = {};  ///< reconciliation's ledger side; empty: no ledger configured
  /// /_info's "node", "database" and "nodes" members (this daemon and the database's other nodes);
  /// empty: left out.
  std::function<boost::json::object()> node_info = {};
};

// ---- path parameters ----
/// The canonical encoded form of a ConnectorID text; 400 INVALID_ID naming `name` when undecodable.
std::string canonical_connector_id(std::string_view raw, std::string_view name);
/// The canonical encoded ConnectorID of path parameter `name`; 400 INVALID_ID when undecodable.
std::string connector_id_param(const RouteContext& c, std::string_view name = "connectorID");
/// The canonical encoded AccountID; 400 INVALID_ID.
std::string account_id_param(const RouteContext& c);
/// The canonical encoded PaymentID; 400 INVALID_ID.
std::string payment_id_param(const RouteContext& c);
/// The canonical encoded TaskID; 400 INVALID_ID.
std::string task_id_param(const RouteContext& c);
/// A lower-case UUID (PSU, bank account, attempt); 400 INVALID_ID.
std::string uuid_param(const RouteContext& c, std::string_view name);
/// An opaque non-empty identifier (connection, schedule).
std::string opaque_param(const RouteContext& c, std::string_view name);

// ---- existence (404 NOT_FOUND "<what> not found") ----
store::ConnectorRecord require_connector(store::Database& db, const std::string& id);
store::PsuRecord require_psu(store::Database& db, const std::string& id);

// ---- responses ----
/// {"data": v} with that status.
ApiResponse data_response(int status, boost::json::value v);
/// {"data":{"taskID": id}} with 202.
ApiResponse task_accepted(const std::string& task_id);
/// Throws the Failure as ApiError.
[[noreturn]] void raise(const Failure& f);
/// The value of a Backend result, or throws its Failure.
template <class T>
T unwrap(Result<T> r) {
  if (!r) raise(r.error());
  return std::move(r.value());
}
inline void unwrap(Result<void> r) {
  if (!r) raise(r.error());
}

// ---- lists ----
/// One fetched page: its items already rendered, and whether more follow. `items` lives in a
/// per-request monotonic resource (one bump allocator instead of thousands of mallocs).
struct RenderedPage {
  boost::json::array items =
      boost::json::array(boost::json::make_shared_resource<boost::json::monotonic_resource>(64 * 1024));
  bool has_more = false;               ///< a next page exists
  bool has_newer = false;              ///< a previous page exists
  std::optional<store::PageKey> first;  ///< keys of the first and last rows: the cursors' bounds
  std::optional<store::PageKey> last;
};

/// Runs a list route: reads cursor / pageSize / filter (GET body, else ?query=) / `options`,
/// calls fetch, answers the cursor envelope with previous/next cursors.
ApiResponse list_response(const RouteContext& c, const std::function<RenderedPage(const PageRequest&)>& fetch,
                          boost::json::object options = {});

/// Renders a store page with `render` (the usual fetch body): render(item) or, to allocate in
/// the page's resource, render(item, storage_ptr).
template <class T, class Render>
RenderedPage render_page(const store::Page<T>& page, Render&& render) {
  RenderedPage out;
  out.has_more = page.has_more;
  out.has_newer = page.has_newer;
  out.first = page.first;
  out.last = page.last;
  out.items.reserve(page.items.size());
  for (const auto& item : page.items) {
    if constexpr (std::is_invocable_v<Render, const T&, boost::json::storage_ptr>)
      out.items.push_back(render(item, out.items.storage()));
    else
      out.items.push_back(render(item));
  }
  return out;
}

/// Full path of a v3 route ("/api/payments/v3" + suffix).
std::string v3(std::string_view suffix);

}  // namespace cx::api
