// webhooks configs create|list|update|delete|activate|deactivate|change-secret|test;
// webhooks deliveries list|get|attempts|replay|replay-all — the /api/webhooks service
// (docs/events.md "API"): who receives the daemon's events, and what was delivered.
#include "tools/cli/commands.hpp"

#include "host/util/encoding.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

namespace cx::cli {
namespace json = boost::json;
namespace {

constexpr const char* kRoot = "/api/webhooks";

std::string config_path(const std::string& id) { return std::string(kRoot) + "/configs/" + seg(id); }

std::string joined(const json::object& o, std::string_view key) {
  std::string out;
  if (auto a = o.if_contains(key); a && a->is_array())
    for (const auto& v : a->get_array())
      if (v.is_string()) out += (out.empty() ? "" : ",") + std::string(v.get_string());
  return out;
}

std::vector<std::string> config_row(Context& ctx, const json::object& c) {
  const json::value* active = c.if_contains("active");
  return {str(c, "id"), str(c, "endpoint"), active && active->is_bool() && active->get_bool() ? "active" : "inactive",
          joined(c, "eventTypes"), ctx.time(str(c, "updatedAt"))};
}
Table config_table() { return Table{{"ID", "ENDPOINT", "STATE", "EVENT TYPES", "UPDATED"}, {}, {}}; }

void print_config(Context& ctx, const Response& r, bool with_secret) {
  ctx.print(r, [&] {
    const auto& c = data_of(r).as_object();
    Table t = config_table();
    t.rows.push_back(config_row(ctx, c));
    std::cout << t.render();
    if (with_secret) std::cout << "\nsecret  " << str(c, "secret") << "\n";
  });
}

std::vector<std::string> delivery_row(Context& ctx, const json::object& d) {
  return {str(d, "id"), str(d, "configID"), str(d, "eventType"), str(d, "status"), num(d, "attemptCount"),
          num(d, "lastStatusCode"), ctx.time(str(d, "createdAt"))};
}
Table delivery_table() {
  return Table{{"ID", "CONFIG", "EVENT TYPE", "STATUS", "ATTEMPTS", "LAST HTTP", "CREATED"}, {false, false, false, false, true, true}, {}};
}

/// A webhook secret from a file ("-": stdin), trailing newlines dropped: secrets stay off the
/// command line (shell history, ps).
std::string read_secret(const std::string& path) {
  std::string s;
  if (path == "-") {
    s.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read " + path);
    s.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (s.empty()) throw UsageError(path + " is empty");
  return s;
}

struct ConfigArgs {
  std::string id, endpoint, secret_file;
  std::vector<std::string> event_types;
};

void add_config_options(CLI::App* cmd, ConfigArgs& a) {
  cmd->add_option("--endpoint", a.endpoint, "the subscriber's URL")->required();
  cmd->add_option("--event-type", a.event_types, "an event type to send, e.g. payments.saved_payment (repeatable)")->required();
  cmd->add_option("--secret-file", a.secret_file,
                  "file holding the signing secret (base64 of 24 bytes; \"-\": stdin); default: generated");
}

json::object config_body(const ConfigArgs& a) {
  json::array types;
  for (const auto& t : a.event_types) types.emplace_back(t);
  json::object body{{"endpoint", a.endpoint}, {"eventTypes", std::move(types)}};
  if (!a.secret_file.empty()) body["secret"] = read_secret(a.secret_file);
  return body;
}

}  // namespace

void add_webhook_commands(CLI::App& root, Context& ctx) {
  auto* group = root.add_subcommand("webhooks", "outbound webhooks: subscriber configs and their deliveries");
  group->require_subcommand(1);
  group->footer(common_help_sections());
  auto* configs = group->add_subcommand("configs", "subscribers: an endpoint, the event types it receives, its secret");
  configs->require_subcommand(1);
  configs->footer(common_help_sections());
  {
    auto a = std::make_shared<ConfigArgs>();
    auto* cmd = verb(*configs, "create", "subscribe an endpoint to event types",
                     "POST /api/webhooks/configs. The config starts active; each delivery is signed with its\n"
                     "  secret (Standard Webhooks), printed once here: store it at the subscriber.",
                     "  connectivity webhooks configs create --endpoint https://hooks.example.com/connectivity \\\n"
                     "      --event-type payments.saved_payment --event-type payments.saved_account");
    add_config_options(cmd, *a);
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        print_config(ctx, ctx.client().request("POST", std::string(kRoot) + "/configs", json::serialize(config_body(*a))), true);
      };
    });
  }
  {
    struct Args { std::string id, endpoint; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*configs, "list", "list configs", "GET /api/webhooks/configs, optionally only one ID or endpoint.",
                     "  connectivity webhooks configs list\n  connectivity webhooks configs list --endpoint https://hooks.example.com/connectivity");
    cmd->add_option("--id", a->id, "only this config");
    cmd->add_option("--endpoint", a->endpoint, "only configs sending to this URL");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        QueryParams q;
        if (!a->id.empty()) q.emplace_back("id", a->id);
        if (!a->endpoint.empty()) q.emplace_back("endpoint", a->endpoint);
        // The configs list takes no paging parameters: one page holds them all.
        ctx.print_list(ctx.list_at(kRoot, "/configs", ListOptions{}, q), config_table(),
                       [&](const json::object& c) { return config_row(ctx, c); });
      };
    });
  }
  {
    auto a = std::make_shared<ConfigArgs>();
    auto* cmd = verb(*configs, "update", "replace a config's endpoint and event types",
                     "PUT /api/webhooks/configs/<id>; the secret is kept unless --secret-file is given.",
                     "  connectivity webhooks configs update 6e1f… --endpoint https://hooks.example.com/v2 --event-type payments.saved_payment");
    cmd->add_option("config", a->id, "config ID")->required();
    add_config_options(cmd, *a);
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        Response r = ctx.client().request("PUT", config_path(a->id), json::serialize(config_body(*a)));
        ctx.print(r, [] { std::cout << "config updated\n"; });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*configs, "delete", "delete a config", "DELETE /api/webhooks/configs/<id>.",
                     "  connectivity webhooks configs delete 6e1f…");
    cmd->add_option("config", *id, "config ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().request("DELETE", config_path(*id));
        ctx.print(r, [] { std::cout << "config deleted\n"; });
      };
    });
  }
  for (bool activate : {true, false}) {
    auto id = std::make_shared<std::string>();
    auto* cmd = activate ? verb(*configs, "activate", "resume sending to a config",
                                "PUT /api/webhooks/configs/<id>/activate.", "  connectivity webhooks configs activate 6e1f…")
                         : verb(*configs, "deactivate", "stop sending to a config; its pending deliveries are cancelled",
                                "PUT /api/webhooks/configs/<id>/deactivate.", "  connectivity webhooks configs deactivate 6e1f…");
    cmd->add_option("config", *id, "config ID")->required();
    cmd->callback([&ctx, id, activate] {
      ctx.action = [&ctx, id, activate] {
        print_config(ctx, ctx.client().request("PUT", config_path(*id) + (activate ? "/activate" : "/deactivate")), false);
      };
    });
  }
  {
    struct Args { std::string id, secret_file; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*configs, "change-secret", "rotate a config's signing secret",
                     "PUT /api/webhooks/configs/<id>/secret/change with the secret read from --secret-file, or\n"
                     "  a generated one. Prints the new secret.",
                     "  connectivity webhooks configs change-secret 6e1f…\n"
                     "  connectivity webhooks configs change-secret 6e1f… --secret-file /etc/connectivity/hook.secret");
    cmd->add_option("config", a->id, "config ID")->required();
    cmd->add_option("--secret-file", a->secret_file, "file holding the new secret (\"-\": stdin); default: generated");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        std::optional<std::string> body;
        if (!a->secret_file.empty()) body = json::serialize(json::object{{"secret", read_secret(a->secret_file)}});
        print_config(ctx, ctx.client().request("PUT", config_path(a->id) + "/secret/change", body), true);
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*configs, "test", "send a test event to a config's endpoint now",
                     "GET /api/webhooks/configs/<id>/test: one signed POST of {\"data\":\"test\"}; prints the\n"
                     "  endpoint's HTTP status. Exits 1 when the endpoint did not answer 2xx.",
                     "  connectivity webhooks configs test 6e1f…");
    cmd->add_option("config", *id, "config ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().request("GET", config_path(*id) + "/test");
        const auto& d = data_of(r).as_object();
        ctx.print(r, [&] {
          Table t{{"STATUS", "HTTP", "ENDPOINT"}, {}, {}};
          const json::value* cfg = d.if_contains("config");
          t.rows.push_back({str(d, "status"), num(d, "statusCode"), cfg && cfg->is_object() ? str(cfg->get_object(), "endpoint") : ""});
          std::cout << t.render();
        });
        if (str(d, "status") != "success") throw BadResponse("the test delivery failed (HTTP " + num(d, "statusCode") + ")");
      };
    });
  }

  auto* deliveries = group->add_subcommand("deliveries", "what was sent to each config, its attempts, replays");
  deliveries->require_subcommand(1);
  deliveries->footer(common_help_sections());
  {
    struct Args { ListOptions opts; std::string config, status, from, to; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*deliveries, "list", "list deliveries, newest first",
                     "GET /api/webhooks/deliveries (API default 100 per page).",
                     "  connectivity webhooks deliveries list --status failed --config 6e1f…");
    add_list_options(*cmd, a->opts, false);
    cmd->add_option("--config", a->config, "only this config's");
    cmd->add_option("--status", a->status, "pending, delivering, succeeded, failed or cancelled");
    cmd->add_option("--from", a->from, "created at or after (RFC 3339)");
    cmd->add_option("--to", a->to, "created before (RFC 3339)");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        QueryParams q;
        if (!a->config.empty()) q.emplace_back("configId", a->config);
        if (!a->status.empty()) q.emplace_back("status", a->status);
        if (!a->from.empty()) q.emplace_back("createdAtFrom", a->from);
        if (!a->to.empty()) q.emplace_back("createdAtTo", a->to);
        ctx.print_list(ctx.list_at(kRoot, "/deliveries", a->opts, q), delivery_table(),
                       [&](const json::object& d) { return delivery_row(ctx, d); });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*deliveries, "get", "show a delivery and its payload", "GET /api/webhooks/deliveries/<id>.",
                     "  connectivity webhooks deliveries get 0d9b…");
    cmd->add_option("delivery", *id, "delivery ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().request("GET", std::string(kRoot) + "/deliveries/" + seg(*id));
        ctx.print(r, [&] {
          const auto& d = data_of(r).as_object();
          Table t = delivery_table();
          t.rows.push_back(delivery_row(ctx, d));
          std::cout << t.render();
          if (std::string e = str(d, "lastError"); !e.empty()) std::cout << "\nlast error  " << e << "\n";
          std::cout << "\npayload  " << str(d, "payload") << "\n";
        });
      };
    });
  }
  {
    struct Args { std::string id; ListOptions opts; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*deliveries, "attempts", "a delivery's HTTP attempts, newest first",
                     "GET /api/webhooks/deliveries/<id>/attempts.", "  connectivity webhooks deliveries attempts 0d9b…");
    cmd->add_option("delivery", a->id, "delivery ID")->required();
    add_list_options(*cmd, a->opts, false);
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        // Numbering restarts with each replay (its generation).
        Table t{{"#", "REPLAY", "OUTCOME", "HTTP", "MS", "ERROR", "AT"}, {true, true, false, true, true}, {}};
        ctx.print_list(ctx.list_at(kRoot, "/deliveries/" + seg(a->id) + "/attempts", a->opts), t, [&](const json::object& x) {
          return std::vector<std::string>{num(x, "attemptNumber"), num(x, "replayGeneration"), str(x, "outcome"), num(x, "statusCode"),
                                          num(x, "durationMillis"), str(x, "error"), ctx.time(str(x, "createdAt"))};
        });
      };
    });
  }
  {
    struct Args { std::string id, key; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*deliveries, "replay", "send a failed or pending delivery again",
                     "POST /api/webhooks/deliveries/<id>/replay with an Idempotency-Key (generated unless\n"
                     "  --idempotency-key: give the same key to retry safely after a network failure).",
                     "  connectivity webhooks deliveries replay 0d9b…");
    cmd->add_option("delivery", a->id, "delivery ID")->required();
    cmd->add_option("--idempotency-key", a->key, "the replay's Idempotency-Key");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        const std::string key = a->key.empty() ? util::uuid_v4() : a->key;
        Response r = ctx.client().request("POST", std::string(kRoot) + "/deliveries/" + seg(a->id) + "/replay", std::nullopt,
                                          {{"Idempotency-Key", key}});
        ctx.print(r, [&] {
          Table t = delivery_table();
          t.rows.push_back(delivery_row(ctx, data_of(r).as_object()));
          std::cout << t.render();
        });
      };
    });
  }
  {
    struct Args { std::string from, to, key, cursor; std::vector<std::string> statuses, configs; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*deliveries, "replay-all", "replay the failed (and pending) deliveries of a time window",
                     "POST /api/webhooks/deliveries/replay over at most 1000 deliveries created in [--from, --to)\n"
                     "  (at most 90 days; --to defaults to now). Prints the counts; a window with more prints the\n"
                     "  cursor to continue from.",
                     "  connectivity webhooks deliveries replay-all --from 2026-12-01T00:00:00Z --status failed");
    cmd->add_option("--from", a->from, "created at or after (RFC 3339)")->required();
    cmd->add_option("--to", a->to, "created before (RFC 3339; default now)");
    cmd->add_option("--status", a->statuses, "failed or pending (repeatable; default both)");
    cmd->add_option("--config", a->configs, "only this config's (repeatable)");
    cmd->add_option("--idempotency-key", a->key, "the replay's Idempotency-Key (default generated)");
    cmd->add_option("--cursor", a->cursor, "continue from the cursor a previous replay-all printed");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        json::object body{{"createdAtFrom", a->from}};
        if (!a->to.empty()) body["createdAtTo"] = a->to;
        auto array_of = [](const std::vector<std::string>& v) {
          json::array out;
          for (const auto& s : v) out.emplace_back(s);
          return out;
        };
        if (!a->statuses.empty()) body["statuses"] = array_of(a->statuses);
        if (!a->configs.empty()) body["configIds"] = array_of(a->configs);
        if (!a->cursor.empty()) body["cursor"] = a->cursor;
        const std::string key = a->key.empty() ? util::uuid_v4() : a->key;
        Response r = ctx.client().request("POST", std::string(kRoot) + "/deliveries/replay", json::serialize(body),
                                          {{"Idempotency-Key", key}});
        ctx.print(r, [&] {
          const auto& d = data_of(r).as_object();
          std::cout << "replayed " << num(d, "replayed") << ", expedited " << num(d, "expedited") << ", skipped "
                    << num(d, "skipped") << "\n";
          if (std::string next = str(d, "nextCursor"); !next.empty()) std::cout << "more: add --cursor " << next << "\n";
        });
      };
    });
  }
}

}  // namespace cx::cli
