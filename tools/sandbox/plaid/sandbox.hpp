// Plaid sandbox: the parts of one running emulator and the route registrations.
#pragma once

#include "faults.hpp"
#include "model.hpp"
#include "signer.hpp"
#include "webhook_sender.hpp"
#include "world.hpp"

#include <httplib.h>

namespace cx::sandbox::plaid {

struct Sandbox {
  explicit Sandbox(Options o)
      : faults(o.seed), signer(o.seed), sender(signer, faults), world(o, clock, faults, signer, sender) {}
  Clock clock;
  Faults faults;
  Signer signer;
  WebhookSender sender;
  World world;
};

/// Plaid's API: every endpoint of docs/providers/plaid.md §2, POST with JSON.
void register_api(httplib::Server& server, Sandbox& sb);
/// Hosted Link pages under /hl/{id}.
void register_hosted_link(httplib::Server& server, Sandbox& sb);
/// Test controls under /sandbox/console.
void register_console(httplib::Server& server, Sandbox& sb);

}  // namespace cx::sandbox::plaid
