// The Powens emulator as one object: state, faults, webhook delivery, and the route groups
// (Powens API, webview, console) registered on one cpp-httplib server.
#pragma once

#include "faults.hpp"
#include "render.hpp"
#include "webhook_sender.hpp"
#include "world.hpp"

#include <httplib.h>

#include <atomic>
#include <optional>
#include <string>

namespace cx::sandbox::powens {

/// Scale settings for benchmarks (README.md, "Scale"); the defaults keep the standard data set
/// and one CONNECTION_SYNCED delivery per sync.
struct ScaleOptions {
  int accounts_per_connection = 0;   ///< <= 0: the bank's own accounts
  int webhook_max_transactions = 0;  ///< > 0: a sync is split into deliveries of at most this many rows
  int webhook_senders = 1;           ///< sender threads; with one, deliveries leave in order
};

struct Sandbox {
  Sandbox(uint64_t seed, int transactions_per_account, int64_t start_utc, Credentials creds, ScaleOptions scale = {})
      : world(seed, transactions_per_account, start_utc, std::move(creds)), faults(seed),
        sender(faults, scale.webhook_senders), scale(scale) {
    world.accounts_per_connection = scale.accounts_per_connection;
  }

  World world;
  Faults faults;
  WebhookSender sender;
  const ScaleOptions scale;
  std::atomic<int64_t> request_ids{1};

  RenderOptions render_options() const { return RenderOptions{faults.get().malformed_amount_rate}; }

  /// Sends `event` with `body` to the URL registered for it, signed with the auth chosen for it
  /// (else the most recent HMAC auth). Caller holds world.mu. No URL registered: nothing is sent.
  void fire(const std::string& event, const std::string& body);
  /// Same, with the body rendered on the sender thread when it is sent. Caller holds world.mu;
  /// `render` takes it itself.
  void fire_lazy(const std::string& event, WebhookSender::Render render);
  /// Fires CONNECTION_SYNCED for `c` with the rows changed since its last push (all of them on
  /// the first push, or when `full`), then records the push. Caller holds world.mu.
  /// With scale.webhook_max_transactions, the rows are split over several deliveries, each a
  /// complete CONNECTION_SYNCED (user, connection, every account) with its slice of rows, sent
  /// in order and rendered as they leave: accounts as of this call, rows as of sending.
  void sync(Connection& c, bool full = false);
};

/// Writes a Powens error body with `status` (docs/providers/powens.md §4).
void powens_error(Sandbox& sb, httplib::Response& res, int status, const std::string& code, const std::string& description,
                  const std::string& message = {});
/// Writes a JSON body (amount placeholders expanded).
void send_json(httplib::Response& res, const boost::json::value& v, int status = 200);
/// The Bearer token of a request, if any.
std::optional<std::string> bearer_of(const httplib::Request& req);

/// /2.0/… and /webhooks/auth: the Powens API with per-user tokens and API faults.
void register_api(httplib::Server& server, Sandbox& sb);
/// /connect, /reconnect and /webview/…: the clickable webview and its automation contract.
void register_webview(httplib::Server& server, Sandbox& sb);
/// /sandbox/console/…: webhook registration, clock, faults, connection states, ground truth.
void register_console(httplib::Server& server, Sandbox& sb);

}  // namespace cx::sandbox::powens
