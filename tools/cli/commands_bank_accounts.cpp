// bank-accounts create|list|get|forward|metadata
#include "tools/cli/commands.hpp"

#include <iostream>

namespace cx::cli {
namespace json = boost::json;
namespace {

std::vector<std::string> row(Context& ctx, const json::object& b) {
  return {str(b, "id"), str(b, "name"), str(b, "iban"), str(b, "accountNumber"), str(b, "swiftBicCode"), str(b, "country"),
          ctx.time(str(b, "createdAt"))};
}
Table table() { return Table{{"ID", "NAME", "IBAN", "ACCOUNT NUMBER", "BIC", "COUNTRY", "CREATED"}, {}, {}}; }

}  // namespace

void add_bank_account_commands(CLI::App& root, Context& ctx) {
  auto* group = root.add_subcommand("bank-accounts", "bank accounts payouts are sent to");
  group->require_subcommand(1);
  group->footer(common_help_sections());
  {
    struct Args { std::string name, iban, number, bic, country; std::vector<std::string> metadata; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "create", "create a bank account",
                     "POST /bank-accounts; --iban or --account-number is required. Prints the new ID.",
                     "  connectivity bank-accounts create --name 'Camille Durand' --iban FR7630006000011234567890189 --country FR");
    cmd->add_option("--name", a->name, "holder's name")->required();
    cmd->add_option("--iban", a->iban, "IBAN");
    cmd->add_option("--account-number", a->number, "account number");
    cmd->add_option("--bic", a->bic, "SWIFT/BIC code");
    cmd->add_option("--country", a->country, "ISO 3166-1 alpha-2 country");
    cmd->add_option("--metadata", a->metadata, "KEY=VALUE (repeatable)");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        json::object o{{"name", a->name}};
        if (!a->iban.empty()) o["iban"] = a->iban;
        if (!a->number.empty()) o["accountNumber"] = a->number;
        if (!a->bic.empty()) o["swiftBicCode"] = a->bic;
        if (!a->country.empty()) o["country"] = a->country;
        if (!a->metadata.empty()) o["metadata"] = metadata_pairs(a->metadata);
        Response r = ctx.client().call("POST", "/bank-accounts", json::serialize(o));
        ctx.print(r, [&] {
          const auto& d = data_of(r);
          std::cout << (d.is_string() ? std::string(d.get_string()) : d.is_object() ? str(d.get_object(), "id") : json::serialize(d)) << "\n";
        });
      };
    });
  }
  {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = verb(*group, "list", "list bank accounts", "GET /bank-accounts.", "  connectivity bank-accounts list");
    add_list_options(*cmd, *opts);
    cmd->callback([&ctx, opts] {
      ctx.action = [&ctx, opts] {
        ctx.print_list(ctx.list("/bank-accounts", *opts), table(), [&](const json::object& b) { return row(ctx, b); });
      };
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = verb(*group, "get", "show one bank account", "GET /bank-accounts/<id>.", "  connectivity bank-accounts get 7d0e…");
    cmd->add_option("bank-account", *id, "bank account ID")->required();
    cmd->callback([&ctx, id] {
      ctx.action = [&ctx, id] {
        Response r = ctx.client().call("GET", "/bank-accounts/" + seg(*id));
        ctx.print(r, [&] {
          Table t = table();
          t.rows.push_back(row(ctx, data_of(r).as_object()));
          std::cout << t.render();
        });
      };
    });
  }
  {
    struct Args { std::string id, connector; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "forward", "create the bank account at a connector's provider",
                     "POST /bank-accounts/<id>/forward {connectorID}. Runs as a task; prints its ID.",
                     "  connectivity bank-accounts forward 7d0e… generic-main");
    cmd->add_option("bank-account", a->id, "bank account ID")->required();
    cmd->add_option("connector", a->connector, "connector ID or name")->required();
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        json::object body{{"connectorID", ctx.connector_id(a->connector)}};
        Response r = ctx.client().call("POST", "/bank-accounts/" + seg(a->id) + "/forward", json::serialize(body));
        ctx.print(r, [&] { std::cout << "forward started; task " << str(data_of(r).as_object(), "taskID") << "\n"; });
      };
    });
  }
  {
    struct Args { std::string id; std::vector<std::string> metadata; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "metadata", "set metadata on a bank account",
                     "PATCH /bank-accounts/<id>/metadata with the KEY=VALUE pairs.",
                     "  connectivity bank-accounts metadata 7d0e… crm_id=C-1042");
    cmd->add_option("bank-account", a->id, "bank account ID")->required();
    cmd->add_option("pairs", a->metadata, "KEY=VALUE …")->required();
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        json::object body{{"metadata", metadata_pairs(a->metadata)}};
        Response r = ctx.client().call("PATCH", "/bank-accounts/" + seg(a->id) + "/metadata", json::serialize(body));
        ctx.print(r, [] { std::cout << "metadata updated\n"; });
      };
    });
  }
}

}  // namespace cx::cli
