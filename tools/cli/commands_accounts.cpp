// accounts list|get|balances; payments list|get
#include "tools/cli/commands.hpp"

#include <iostream>

namespace cx::cli {
namespace json = boost::json;
namespace {

struct Filters {
  ListOptions opts;
  std::string psu, connector, type, status;
};

/// --query and the filter flags as one v3 filter: {"$and":[…]} of $match leaves.
std::string combined_query(Context& ctx, const Filters& f) {
  json::array all;
  if (!f.opts.query.empty()) {
    boost::system::error_code ec;
    auto q = json::parse(f.opts.query, ec);
    if (ec || !q.is_object()) throw UsageError("--query is not a JSON object");
    all.push_back(q);
  }
  auto match = [&](const char* key, const std::string& v) {
    if (!v.empty()) all.push_back(json::object{{"$match", json::object{{key, v}}}});
  };
  match("psu_id", f.psu);
  if (!f.connector.empty()) match("connector_id", ctx.connector_id(f.connector));
  match("type", f.type);
  match("status", f.status);
  if (all.empty()) return {};
  if (all.size() == 1) return json::serialize(all.front());
  return json::serialize(json::object{{"$and", all}});
}

void add_filters(CLI::App* cmd, Filters& f, bool payments) {
  add_list_options(*cmd, f.opts);
  cmd->add_option("--psu", f.psu, "only this PSU's");
  cmd->add_option("--connector", f.connector, "only this connector's (ID or name)");
  cmd->add_option("--type", f.type, payments ? "PAY-IN, PAYOUT, TRANSFER or OTHER" : "INTERNAL or EXTERNAL");
  if (payments) cmd->add_option("--status", f.status, "e.g. PENDING, SUCCEEDED");
}

std::vector<std::string> account_row(Context& ctx, const json::object& a) {
  return {ctx.id(str(a, "id")), str(a, "reference"), str(a, "type"), str(a, "name"), str(a, "defaultAsset"),
          str(a, "provider"), ctx.time(str(a, "createdAt"))};
}

Table account_table() { return Table{{"ID", "REFERENCE", "TYPE", "NAME", "ASSET", "PROVIDER", "CREATED"}, {}, {}}; }

std::vector<std::string> payment_row(Context& ctx, const json::object& p) {
  return {ctx.id(str(p, "id")), str(p, "reference"), str(p, "type"), str(p, "status"),
          format_amount(num(p, "amount"), str(p, "asset")), str(p, "scheme"), ctx.time(str(p, "createdAt"))};
}

Table payment_table() { return Table{{"ID", "REFERENCE", "TYPE", "STATUS", "AMOUNT", "SCHEME", "CREATED"}, {false, false, false, false, true}, {}}; }

}  // namespace

void add_account_commands(CLI::App& root, Context& ctx) {
  auto* accounts = root.add_subcommand("accounts", "accounts and their balances");
  accounts->require_subcommand(1);
  accounts->footer(common_help_sections());
  {
    auto f = std::make_shared<Filters>();
    auto* cmd = verb(*accounts, "list", "list accounts",
                     "GET /accounts, newest first. The filter flags are combined (and) with --query.",
                     "  connectivity accounts list --psu 0b6c… --type INTERNAL\n  connectivity accounts list --connector generic-main --all");
    add_filters(cmd, *f, false);
    cmd->callback([&ctx, f] {
      ctx.action = [&ctx, f] {
        ListOptions o = f->opts;
        o.query = combined_query(ctx, *f);
        ctx.print_list(ctx.list("/accounts", o), account_table(), [&](const json::object& a) { return account_row(ctx, a); });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*accounts, "get", "show one account", "GET /accounts/<id>.", "  connectivity accounts get --wide eyJDb25…");
    cmd->add_option("account", *id, "account ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().call("GET", "/accounts/" + seg(*id));
        ctx.print(r, [&] {
          Table t = account_table();
          t.rows.push_back(account_row(ctx, data_of(r).as_object()));
          std::cout << t.render();
        });
      };
    });
  }
  {
    struct Args { std::string id, asset, from, to; ListOptions opts; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*accounts, "balances", "an account's balances (a time series per asset)",
                     "GET /accounts/<id>/balances, newest first; --from/--to bound the time (RFC 3339; --to\n"
                     "  defaults to now on the server).",
                     "  connectivity accounts balances eyJDb25… --asset EUR/2");
    cmd->add_option("account", a->id, "account ID")->required();
    cmd->add_option("--asset", a->asset, "only this asset, e.g. EUR/2");
    cmd->add_option("--from", a->from, "from this time (RFC 3339)");
    cmd->add_option("--to", a->to, "up to this time (RFC 3339)");
    add_list_options(*cmd, a->opts, false);
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        QueryParams q;
        if (!a->asset.empty()) q.emplace_back("asset", a->asset);
        if (!a->from.empty()) q.emplace_back("from", a->from);
        if (!a->to.empty()) q.emplace_back("to", a->to);
        ctx.print_list(ctx.list("/accounts/" + seg(a->id) + "/balances", a->opts, q),
                       Table{{"ASSET", "BALANCE", "SINCE", "LAST SEEN"}, {false, true}, {}}, [&](const json::object& b) {
                         return std::vector<std::string>{str(b, "asset"), format_amount(num(b, "balance"), str(b, "asset")),
                                                         ctx.time(str(b, "createdAt")), ctx.time(str(b, "lastUpdatedAt"))};
                       });
      };
    });
  }

  auto* payments = root.add_subcommand("payments", "payments (transactions) synced from the connectors");
  payments->require_subcommand(1);
  payments->footer(common_help_sections());
  {
    auto f = std::make_shared<Filters>();
    auto* cmd = verb(*payments, "list", "list payments",
                     "GET /payments, newest first. Amounts are shown as decimals of their asset (EUR/2: 1234 →\n"
                     "  12.34 EUR). The filter flags are combined (and) with --query.",
                     "  connectivity payments list --psu 0b6c… --status PENDING\n"
                     "  connectivity payments list --query '{\"$gte\":{\"amount\":100000}}'");
    add_filters(cmd, *f, true);
    cmd->callback([&ctx, f] {
      ctx.action = [&ctx, f] {
        ListOptions o = f->opts;
        o.query = combined_query(ctx, *f);
        ctx.print_list(ctx.list("/payments", o), payment_table(), [&](const json::object& p) { return payment_row(ctx, p); });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*payments, "get", "show one payment and its adjustments", "GET /payments/<id>.",
                     "  connectivity payments get eyJDb25…");
    cmd->add_option("payment", *id, "payment ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().call("GET", "/payments/" + seg(*id));
        ctx.print(r, [&] {
          const auto& p = data_of(r).as_object();
          Table t = payment_table();
          t.rows.push_back(payment_row(ctx, p));
          std::cout << t.render();
          if (auto adj = p.if_contains("adjustments"); adj && adj->is_array() && !adj->get_array().empty()) {
            Table at{{"ADJUSTMENT", "STATUS", "AMOUNT", "CREATED"}, {false, false, true}, {}};
            for (const auto& x : adj->get_array()) {
              if (!x.is_object()) continue;
              const auto& o = x.get_object();
              std::string asset = str(o, "asset").empty() ? str(p, "asset") : str(o, "asset");
              at.rows.push_back({str(o, "reference"), str(o, "status"), num(o, "amount").empty() ? "" : format_amount(num(o, "amount"), asset),
                                 ctx.time(str(o, "createdAt"))});
            }
            std::cout << "\n" << at.render();
          }
        });
      };
    });
  }
}

}  // namespace cx::cli
