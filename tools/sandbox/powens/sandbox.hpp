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

struct Sandbox {
  Sandbox(uint64_t seed, int transactions_per_account, int64_t start_utc, Credentials creds)
      : world(seed, transactions_per_account, start_utc, std::move(creds)), faults(seed), sender(faults) {}

  World world;
  Faults faults;
  WebhookSender sender;
  std::atomic<int64_t> request_ids{1};

  RenderOptions render_options() const { return RenderOptions{faults.get().malformed_amount_rate}; }

  /// Sends `event` with `body` to the URL registered for it, signed with the auth chosen for it
  /// (else the most recent HMAC auth). Caller holds world.mu. No URL registered: nothing is sent.
  void fire(const std::string& event, const std::string& body);
  /// Fires CONNECTION_SYNCED for `c` with the rows changed since its last push (all of them on
  /// the first push, or when `full`), then records the push. Caller holds world.mu.
  void sync(Connection& c, bool full = false);
};

/// Writes a Powens error body with `status` (providers.md §1.4).
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
