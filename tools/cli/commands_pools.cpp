// pools create|list|get|delete|update-query|add-account|remove-account|balances (payments v3,
// docs/api/pools.md): a pool groups internal accounts; STATIC from account IDs, DYNAMIC from an
// accounts filter.
#include "tools/cli/commands.hpp"

#include <iostream>

namespace cx::cli {
namespace json = boost::json;
namespace {

std::string pool_path(const std::string& id) { return "/pools/" + seg(id); }

std::vector<std::string> pool_row(Context& ctx, const json::object& p) {
  size_t n = 0;
  if (auto a = p.if_contains("poolAccounts"); a && a->is_array()) n = a->get_array().size();
  return {ctx.id(str(p, "id")), str(p, "name"), str(p, "type"), std::to_string(n), ctx.time(str(p, "createdAt"))};
}

Table pool_table() { return Table{{"ID", "NAME", "TYPE", "ACCOUNTS", "CREATED"}, {false, false, false, true}, {}}; }

/// A --query text as a JSON object; throws UsageError otherwise.
json::value query_object(const std::string& text) {
  boost::system::error_code ec;
  auto q = json::parse(text, ec);
  if (ec || !q.is_object()) throw UsageError("--query is not a JSON object");
  return q;
}

}  // namespace

void add_pool_commands(CLI::App& root, Context& ctx) {
  auto* group = root.add_subcommand("pools", "payment pools: groups of internal accounts and their summed balances");
  group->require_subcommand(1);
  group->footer(common_help_sections());
  {
    struct Args { std::string name, query; std::vector<std::string> accounts; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "create", "create a pool",
                     "POST /pools. A STATIC pool lists its accounts (--account, repeatable); a DYNAMIC pool\n"
                     "  holds the internal accounts an accounts filter selects (--query, re-evaluated on every\n"
                     "  read). Prints the new pool's ID.",
                     "  connectivity pools create --name treasury --account eyJDb25… --account eyJDb25…\n"
                     "  connectivity pools create --name all-powens --query '{\"$match\":{\"provider\":\"powens\"}}'");
    cmd->add_option("--name", a->name, "pool name")->required();
    cmd->add_option("--account", a->accounts, "an internal account's ID (repeatable; STATIC pool)");
    cmd->add_option("--query", a->query, "an accounts filter (JSON; DYNAMIC pool)");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        if (a->query.empty() == a->accounts.empty()) throw UsageError("give either --account (STATIC) or --query (DYNAMIC)");
        json::object body{{"name", a->name}};
        if (!a->query.empty()) body["query"] = query_object(a->query);
        else {
          json::array ids;
          for (const auto& id : a->accounts) ids.emplace_back(id);
          body["accountIDs"] = std::move(ids);
        }
        Response r = ctx.client().call("POST", "/pools", json::serialize(body));
        ctx.print(r, [&] {
          const auto& d = data_of(r);
          std::cout << (d.is_string() ? std::string(d.get_string()) : json::serialize(d)) << "\n";
        });
      };
    });
  }
  {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = verb(*group, "list", "list pools", "GET /pools, newest first.",
                     "  connectivity pools list\n  connectivity pools list --query '{\"$match\":{\"name\":\"treasury\"}}'");
    add_list_options(*cmd, *opts);
    cmd->callback([&ctx, opts] {
      ctx.action = [&ctx, opts] {
        ctx.print_list(ctx.list("/pools", *opts), pool_table(), [&](const json::object& p) { return pool_row(ctx, p); });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*group, "get", "show a pool and its accounts",
                     "GET /pools/<id>: the pool, then one line per account it holds now (for a DYNAMIC pool,\n"
                     "  the accounts its query selects).",
                     "  connectivity pools get 5f0c2a9e-…");
    cmd->add_option("pool", *id, "pool ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().call("GET", pool_path(*id));
        ctx.print(r, [&] {
          const auto& p = data_of(r).as_object();
          Table t = pool_table();
          t.rows.push_back(pool_row(ctx, p));
          std::cout << t.render();
          if (auto q = p.if_contains("query")) std::cout << "\nquery  " << json::serialize(*q) << "\n";
          Table accounts{{"ACCOUNT"}, {}, {}};
          if (auto a = p.if_contains("poolAccounts"); a && a->is_array())
            for (const auto& v : a->get_array())
              if (v.is_string()) accounts.rows.push_back({ctx.id(v.get_string())});
          std::cout << "\n" << accounts.render();
        });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*group, "delete", "delete a pool", "DELETE /pools/<id>; the accounts are untouched.",
                     "  connectivity pools delete 5f0c2a9e-…");
    cmd->add_option("pool", *id, "pool ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().call("DELETE", pool_path(*id));
        ctx.print(r, [] { std::cout << "pool deleted\n"; });
      };
    });
  }
  {
    struct Args { std::string id, query; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "update-query", "replace a DYNAMIC pool's accounts filter", "PATCH /pools/<id>/query.",
                     "  connectivity pools update-query 5f0c2a9e-… '{\"$match\":{\"provider\":\"generic\"}}'");
    cmd->add_option("pool", a->id, "pool ID")->required();
    cmd->add_option("query", a->query, "the accounts filter (JSON)")->required();
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        json::object body{{"query", query_object(a->query)}};
        Response r = ctx.client().call("PATCH", pool_path(a->id) + "/query", json::serialize(body));
        ctx.print(r, [] { std::cout << "pool query updated\n"; });
      };
    });
  }
  for (bool add : {true, false}) {
    struct Args { std::string pool, account; };
    auto a = std::make_shared<Args>();
    auto* cmd = add ? verb(*group, "add-account", "add an internal account to a STATIC pool",
                           "POST /pools/<pool>/accounts/<account>.", "  connectivity pools add-account 5f0c2a9e-… eyJDb25…")
                    : verb(*group, "remove-account", "remove an account from a STATIC pool",
                           "DELETE /pools/<pool>/accounts/<account>.", "  connectivity pools remove-account 5f0c2a9e-… eyJDb25…");
    cmd->add_option("pool", a->pool, "pool ID")->required();
    cmd->add_option("account", a->account, "account ID (whole; --wide shows it)")->required();
    cmd->callback([&ctx, a, add] {
      ctx.action = [&ctx, a, add] {
        Response r = ctx.client().call(add ? "POST" : "DELETE", pool_path(a->pool) + "/accounts/" + seg(a->account));
        ctx.print(r, [add] { std::cout << (add ? "account added\n" : "account removed\n"); });
      };
    });
  }
  {
    struct Args { std::string id, at; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "balances", "a pool's balances per asset, summed over its accounts",
                     "GET /pools/<id>/balances/latest, or GET /pools/<id>/balances?at=<time> with --at (RFC 3339,\n"
                     "  not in the future). Amounts are shown as decimals of their asset.",
                     "  connectivity pools balances 5f0c2a9e-…\n  connectivity pools balances 5f0c2a9e-… --at 2026-12-01T00:00:00Z");
    cmd->add_option("pool", a->id, "pool ID")->required();
    cmd->add_option("--at", a->at, "the balances at this instant (RFC 3339)");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        std::string path = a->at.empty() ? pool_path(a->id) + "/balances/latest"
                                         : with_query(pool_path(a->id) + "/balances", {{"at", a->at}});
        Response r = ctx.client().call("GET", path);
        ctx.print(r, [&] {
          Table t{{"ASSET", "BALANCE", "ACCOUNTS"}, {false, true, true}, {}};
          const auto& d = data_of(r);
          if (!d.is_array()) throw BadResponse("pool balances: data is not an array");
          for (const auto& v : d.get_array()) {
            if (!v.is_object()) continue;
            const auto& b = v.get_object();
            size_t n = 0;
            if (auto rel = b.if_contains("relatedAccounts"); rel && rel->is_array()) n = rel->get_array().size();
            t.rows.push_back({str(b, "asset"), format_amount(num(b, "amount"), str(b, "asset")), std::to_string(n)});
          }
          std::cout << t.render();
        });
      };
    });
  }
}

}  // namespace cx::cli
