// reconciliation policies create|list|get|delete; reconciliation reconcile|list|get — the
// /api/reconciliation service (docs/reconciliation.md): a policy compares a payments pool's
// balances with a ledger's, a reconciliation is one such comparison (OK, or NOT_OK with drifts).
#include "tools/cli/commands.hpp"

#include <chrono>
#include <iostream>
#include <set>

#include <date/date.h>

namespace cx::cli {
namespace json = boost::json;
namespace {

constexpr const char* kRoot = "/api/reconciliation";

std::vector<std::string> policy_row(Context& ctx, const json::object& p) {
  return {ctx.id(str(p, "id")), str(p, "name"), str(p, "ledgerName"), ctx.id(str(p, "paymentsPoolID")),
          str(p, "interval"), ctx.time(str(p, "createdAt"))};
}
Table policy_table() { return Table{{"ID", "NAME", "LEDGER", "POOL", "INTERVAL", "CREATED"}, {}, {}}; }

std::vector<std::string> reconciliation_row(Context& ctx, const json::object& x) {
  return {ctx.id(str(x, "id")), ctx.id(str(x, "policyID")), str(x, "status"), ctx.time(str(x, "reconciledAtLedger")),
          ctx.time(str(x, "reconciledAtPayments")), ctx.time(str(x, "createdAt"))};
}
Table reconciliation_table() { return Table{{"ID", "POLICY", "STATUS", "AT LEDGER", "AT PAYMENTS", "CREATED"}, {}, {}}; }

/// One line per asset of the three balance maps, amounts as decimals of the asset.
Table balances_table(const json::object& x) {
  const char* keys[] = {"paymentsBalances", "ledgerBalances", "driftBalances"};
  std::set<std::string> assets;
  for (const char* k : keys)
    if (auto m = x.if_contains(k); m && m->is_object())
      for (const auto& kv : m->get_object()) assets.insert(std::string(kv.key()));
  Table t{{"ASSET", "PAYMENTS", "LEDGER", "DRIFT"}, {false, true, true, true}, {}};
  for (const auto& asset : assets) {
    std::vector<std::string> row{asset};
    for (const char* k : keys) {
      const json::value* m = x.if_contains(k);
      std::string amount = m && m->is_object() ? num(m->get_object(), asset) : std::string();
      row.push_back(amount.empty() ? "" : format_amount(amount, asset));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

void print_reconciliation(Context& ctx, const Response& r) {
  ctx.print(r, [&] {
    const auto& x = data_of(r).as_object();
    Table t = reconciliation_table();
    t.rows.push_back(reconciliation_row(ctx, x));
    std::cout << t.render() << "\n" << balances_table(x).render();
    if (std::string e = str(x, "error"); !e.empty()) std::cout << "\nerror  " << e << "\n";
  });
}

/// Now in UTC, whole seconds (never later than the daemon's clock on the same host).
std::string now_rfc3339() {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return date::format("%Y-%m-%dT%H:%M:%SZ", now);
}

}  // namespace

void add_reconciliation_commands(CLI::App& root, Context& ctx) {
  auto* group = root.add_subcommand("reconciliation", "compare payments pools with ledger balances");
  group->require_subcommand(1);
  group->footer(common_help_sections());
  auto* policies = group->add_subcommand("policies", "reconciliation policies: which pool against which ledger query");
  policies->require_subcommand(1);
  policies->footer(common_help_sections());
  {
    struct Args { std::string name, ledger, pool, ledger_query, interval; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*policies, "create", "create a policy",
                     "POST /api/reconciliation/policies. --ledger-query is a ledger v2 filter (JSON, default {}:\n"
                     "  every account); --interval (e.g. 15m) makes the daemon reconcile on its own.",
                     "  connectivity reconciliation policies create --name treasury --ledger main --pool 5f0c2a9e-… \\\n"
                     "      --ledger-query '{\"$match\":{\"address\":\"bank:\"}}' --interval 15m");
    cmd->add_option("--name", a->name, "policy name")->required();
    cmd->add_option("--ledger", a->ledger, "ledger name")->required();
    cmd->add_option("--pool", a->pool, "payments pool ID")->required();
    cmd->add_option("--ledger-query", a->ledger_query, "ledger accounts filter (JSON object)");
    cmd->add_option("--interval", a->interval, "reconcile automatically this often (at least 1s)");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        json::object body{{"name", a->name}, {"ledgerName", a->ledger}, {"paymentsPoolID", a->pool}};
        if (!a->ledger_query.empty()) {
          boost::system::error_code ec;
          auto q = json::parse(a->ledger_query, ec);
          if (ec || !q.is_object()) throw UsageError("--ledger-query is not a JSON object");
          body["ledgerQuery"] = q;
        } else {
          body["ledgerQuery"] = json::object{};
        }
        if (!a->interval.empty()) body["interval"] = a->interval;
        Response r = ctx.client().request("POST", std::string(kRoot) + "/policies", json::serialize(body));
        ctx.print(r, [&] { std::cout << str(data_of(r).as_object(), "id") << "\n"; });
      };
    });
  }
  {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = verb(*policies, "list", "list policies", "GET /api/reconciliation/policies.",
                     "  connectivity reconciliation policies list");
    add_list_options(*cmd, *opts, false);
    cmd->callback([&ctx, opts] {
      ctx.action = [&ctx, opts] {
        ctx.print_list(ctx.list_at(kRoot, "/policies", *opts), policy_table(),
                       [&](const json::object& p) { return policy_row(ctx, p); });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*policies, "get", "show a policy", "GET /api/reconciliation/policies/<id>.",
                     "  connectivity reconciliation policies get 3c1d…");
    cmd->add_option("policy", *id, "policy ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().request("GET", std::string(kRoot) + "/policies/" + seg(*id));
        ctx.print(r, [&] {
          const auto& p = data_of(r).as_object();
          Table t = policy_table();
          t.rows.push_back(policy_row(ctx, p));
          std::cout << t.render();
          if (auto q = p.if_contains("ledgerQuery")) std::cout << "\nledger query  " << json::serialize(*q) << "\n";
        });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*policies, "delete", "delete a policy",
                     "DELETE /api/reconciliation/policies/<id>; its reconciliations are kept.",
                     "  connectivity reconciliation policies delete 3c1d…");
    cmd->add_option("policy", *id, "policy ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().request("DELETE", std::string(kRoot) + "/policies/" + seg(*id));
        ctx.print(r, [] { std::cout << "policy deleted\n"; });
      };
    });
  }
  {
    struct Args { std::string policy, at_ledger, at_payments; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "reconcile", "reconcile a policy now",
                     "POST /api/reconciliation/policies/<id>/reconciliation: the pool's balances at --at-payments\n"
                     "  against the ledger's at --at-ledger (both RFC 3339, default now). Prints the result, one\n"
                     "  line per asset; status NOT_OK when an asset drifts.",
                     "  connectivity reconciliation reconcile 3c1d…\n"
                     "  connectivity reconciliation reconcile 3c1d… --at-ledger 2026-12-01T00:00:00Z --at-payments 2026-12-01T00:00:00Z");
    cmd->add_option("policy", a->policy, "policy ID")->required();
    cmd->add_option("--at-ledger", a->at_ledger, "ledger balances at this instant (RFC 3339; default now)");
    cmd->add_option("--at-payments", a->at_payments, "pool balances at this instant (RFC 3339; default now)");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        const std::string now = now_rfc3339();
        json::object body{{"reconciledAtLedger", a->at_ledger.empty() ? now : a->at_ledger},
                          {"reconciledAtPayments", a->at_payments.empty() ? now : a->at_payments}};
        print_reconciliation(ctx, ctx.client().request("POST", std::string(kRoot) + "/policies/" + seg(a->policy) + "/reconciliation",
                                                       json::serialize(body)));
      };
    });
  }
  {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = verb(*group, "list", "list reconciliations", "GET /api/reconciliation/reconciliations, newest first.",
                     "  connectivity reconciliation list --all");
    add_list_options(*cmd, *opts, false);
    cmd->callback([&ctx, opts] {
      ctx.action = [&ctx, opts] {
        ctx.print_list(ctx.list_at(kRoot, "/reconciliations", *opts), reconciliation_table(),
                       [&](const json::object& x) { return reconciliation_row(ctx, x); });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*group, "get", "show a reconciliation and its balances per asset",
                     "GET /api/reconciliation/reconciliations/<id>.", "  connectivity reconciliation get 8a4e…");
    cmd->add_option("reconciliation", *id, "reconciliation ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        print_reconciliation(ctx, ctx.client().request("GET", std::string(kRoot) + "/reconciliations/" + seg(*id)));
      };
    });
  }
}

}  // namespace cx::cli
