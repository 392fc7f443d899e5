// psus create|list|get|delete|forward|link|update-link|attempts; connections list|delete
#include "tools/cli/commands.hpp"

#include <iostream>

namespace cx::cli {
namespace json = boost::json;
namespace {

std::string psu_path(const std::string& psu) { return "/payment-service-users/" + seg(psu); }

void print_link(Context& ctx, const Response& r) {
  ctx.print(r, [&] {
    if (!r.json.is_object()) throw BadResponse("link: the answer is not an object");
    std::cout << "attempt " << str(r.json.get_object(), "attemptID") << "\n"
              << "open this link in the end user's browser:\n  " << str(r.json.get_object(), "link") << "\n";
  });
}

struct LinkArgs {
  std::string psu, connector, connection, redirect, application, idempotency_key;
};

void add_link_options(CLI::App* cmd, LinkArgs& a, bool update) {
  cmd->add_option("psu", a.psu, "PSU ID")->required();
  cmd->add_option("connector", a.connector, "connector ID or name")->required();
  if (update) cmd->add_option("connection", a.connection, "connection ID")->required();
  cmd->add_option("--redirect", a.redirect, "where the end user's browser goes once done (absolute URL)")->required();
  cmd->add_option("--application-name", a.application, "name shown to the end user");
  cmd->add_option("--idempotency-key", a.idempotency_key, "a UUID: repeating the call returns the same attempt");
}

Response call_link(Context& ctx, const LinkArgs& a, bool update) {
  json::object body{{"clientRedirectURL", a.redirect}};
  if (!a.application.empty()) body["applicationName"] = a.application;
  std::string path = psu_path(a.psu) + "/connectors/" + seg(ctx.connector_id(a.connector)) +
                     (update ? "/connections/" + seg(a.connection) + "/update-link" : "/create-link");
  if (!a.idempotency_key.empty()) path = with_query(path, {{"Idempotency-Key", a.idempotency_key}});
  return ctx.client().call("POST", path, json::serialize(body));
}

}  // namespace

void add_psu_commands(CLI::App& root, Context& ctx) {
  auto* group = root.add_subcommand("psus", "payment service users: create, forward to a connector, link their banks");
  group->require_subcommand(1);
  group->footer(common_help_sections());
  {
    struct Args {
      std::string file, name, email, phone, locale, street_name, street_number, city, region, postal_code, country;
      std::vector<std::string> metadata, bank_accounts;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "create", "create a PSU",
                     "POST /payment-service-users from the flags, or from a JSON body file (--from-file). Prints\n"
                     "  the new PSU's ID.",
                     "  connectivity psus create --name 'Camille Durand' --email camille@example.fr --country FR \\\n"
                     "    --metadata crm_id=C-1042");
    cmd->add_option("--from-file", a->file, "the whole JSON body from a file (- for stdin)");
    cmd->add_option("--name", a->name, "the PSU's name");
    cmd->add_option("--email", a->email, "contact email");
    cmd->add_option("--phone", a->phone, "contact phone number");
    cmd->add_option("--locale", a->locale, "contact locale, e.g. fr-FR");
    cmd->add_option("--street-name", a->street_name, "address: street name");
    cmd->add_option("--street-number", a->street_number, "address: street number");
    cmd->add_option("--city", a->city, "address: city");
    cmd->add_option("--region", a->region, "address: region");
    cmd->add_option("--postal-code", a->postal_code, "address: postal code");
    cmd->add_option("--country", a->country, "address: ISO 3166-1 alpha-2 country");
    cmd->add_option("--metadata", a->metadata, "KEY=VALUE (repeatable)");
    cmd->add_option("--bank-account", a->bank_accounts, "bank account ID to attach (repeatable)");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        std::string body;
        if (!a->file.empty()) {
          body = read_json_file(a->file);
        } else {
          if (a->name.empty()) throw UsageError("psus create: --name or --from-file is required");
          json::object o{{"name", a->name}};
          json::object contact, address;
          auto put = [](json::object& obj, const char* k, const std::string& v) {
            if (!v.empty()) obj[k] = v;
          };
          put(contact, "email", a->email);
          put(contact, "phoneNumber", a->phone);
          put(contact, "locale", a->locale);
          put(address, "streetName", a->street_name);
          put(address, "streetNumber", a->street_number);
          put(address, "city", a->city);
          put(address, "region", a->region);
          put(address, "postalCode", a->postal_code);
          put(address, "country", a->country);
          if (!contact.empty()) o["contactDetails"] = contact;
          if (!address.empty()) o["address"] = address;
          if (!a->metadata.empty()) o["metadata"] = metadata_pairs(a->metadata);
          if (!a->bank_accounts.empty()) {
            json::array ids;
            for (auto& b : a->bank_accounts) ids.push_back(json::value(b));
            o["bankAccountIDs"] = ids;
          }
          body = json::serialize(o);
        }
        Response r = ctx.client().call("POST", "/payment-service-users", body);
        ctx.print(r, [&] { std::cout << data_of(r).as_string().c_str() << "\n"; });
      };
    });
  }
  {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = verb(*group, "list", "list PSUs", "GET /payment-service-users.", "  connectivity psus list --all");
    add_list_options(*cmd, *opts);
    cmd->callback([&ctx, opts] {
      ctx.action = [&ctx, opts] {
        ctx.print_list(ctx.list("/payment-service-users", *opts), Table{{"ID", "NAME", "EMAIL", "CREATED"}, {}, {}},
                       [&](const json::object& p) {
                         std::string email;
                         if (auto c = p.if_contains("contactDetails"); c && c->is_object()) email = str(c->get_object(), "email");
                         return std::vector<std::string>{ctx.id(str(p, "id")), str(p, "name"), email, ctx.time(str(p, "createdAt"))};
                       });
      };
    });
  }
  {
    auto psu = std::make_shared<std::string>();
    auto* cmd = verb(*group, "get", "show one PSU", "GET /payment-service-users/<id>.", "  connectivity psus get 0b6c…");
    cmd->add_option("psu", *psu, "PSU ID")->required();
    cmd->callback([&ctx, psu] {
      ctx.action = [&ctx, psu] {
        Response r = ctx.client().call("GET", psu_path(*psu));
        ctx.print(r, [&] {
          const auto& p = data_of(r).as_object();
          Table t{{"FIELD", "VALUE"}, {}, {}};
          t.rows.push_back({"id", str(p, "id")});
          t.rows.push_back({"name", str(p, "name")});
          t.rows.push_back({"created", ctx.time(str(p, "createdAt"))});
          for (const char* section : {"contactDetails", "address", "metadata"})
            if (auto s = p.if_contains(section); s && s->is_object())
              for (const auto& [k, v] : s->get_object())
                t.rows.push_back({std::string(section) + "." + std::string(k), v.is_string() ? std::string(v.get_string()) : json::serialize(v)});
          std::cout << t.render();
        });
      };
    });
  }
  {
    struct Args { std::string psu, connector; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "delete", "delete a PSU, or only its presence on one connector",
                     "DELETE /payment-service-users/<id> (everywhere), or with CONNECTOR DELETE\n"
                     "  /payment-service-users/<id>/connectors/<connector>. Runs as a task; prints its ID.",
                     "  connectivity psus delete 0b6c…\n  connectivity psus delete 0b6c… powens-main");
    cmd->add_option("psu", a->psu, "PSU ID")->required();
    cmd->add_option("connector", a->connector, "connector ID or name");
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        std::string path = psu_path(a->psu) + (a->connector.empty() ? "" : "/connectors/" + seg(ctx.connector_id(a->connector)));
        Response r = ctx.client().call("DELETE", path);
        ctx.print(r, [&] { std::cout << "deletion started; task " << str(data_of(r).as_object(), "taskID") << "\n"; });
      };
    });
  }
  {
    struct Args { std::string psu, connector; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "forward", "create the PSU at a connector's provider",
                     "POST /payment-service-users/<id>/connectors/<connector>/forward (before `link`).",
                     "  connectivity psus forward 0b6c… powens-main");
    cmd->add_option("psu", a->psu, "PSU ID")->required();
    cmd->add_option("connector", a->connector, "connector ID or name")->required();
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        Response r = ctx.client().call("POST", psu_path(a->psu) + "/connectors/" + seg(ctx.connector_id(a->connector)) + "/forward");
        ctx.print(r, [] { std::cout << "forwarded\n"; });
      };
    });
  }
  {
    auto a = std::make_shared<LinkArgs>();
    auto* cmd = verb(*group, "link", "start linking a PSU's bank: prints the link for the end user",
                     "POST …/connectors/<connector>/create-link. The end user opens the link, signs in to the bank\n"
                     "  and is sent back to --redirect; `psus attempts` shows whether the attempt completed.",
                     "  connectivity psus link 0b6c… powens-main --redirect https://app.example.com/linked");
    add_link_options(cmd, *a, false);
    cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { print_link(ctx, call_link(ctx, *a, false)); }; });
  }
  {
    auto a = std::make_shared<LinkArgs>();
    auto* cmd = verb(*group, "update-link", "renew a connection's consent: prints the link for the end user",
                     "POST …/connectors/<connector>/connections/<connection>/update-link.",
                     "  connectivity psus update-link 0b6c… powens-main 42 --redirect https://app.example.com/linked");
    add_link_options(cmd, *a, true);
    cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { print_link(ctx, call_link(ctx, *a, true)); }; });
  }
  {
    struct Args { std::string psu, connector, attempt; ListOptions opts; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "attempts", "link attempts of a PSU on a connector (or one of them)",
                     "GET …/connectors/<connector>/link-attempts[/<attempt>]: status pending, completed or failed.",
                     "  connectivity psus attempts 0b6c… powens-main\n  connectivity psus attempts 0b6c… powens-main 5f1e…");
    cmd->add_option("psu", a->psu, "PSU ID")->required();
    cmd->add_option("connector", a->connector, "connector ID or name")->required();
    cmd->add_option("attempt", a->attempt, "one attempt's ID");
    add_list_options(*cmd, a->opts, false);
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        std::string base = psu_path(a->psu) + "/connectors/" + seg(ctx.connector_id(a->connector)) + "/link-attempts";
        Table t{{"ATTEMPT", "STATUS", "CREATED", "ERROR"}, {}, {}};
        auto row = [&](const json::object& x) {
          return std::vector<std::string>{str(x, "id"), str(x, "status"), ctx.time(str(x, "createdAt")), str(x, "error")};
        };
        if (a->attempt.empty()) return ctx.print_list(ctx.list(base, a->opts), t, row);
        Response r = ctx.client().call("GET", base + "/" + seg(a->attempt));
        ctx.print(r, [&] {
          t.rows.push_back(row(data_of(r).as_object()));
          std::cout << t.render();
        });
      };
    });
  }

  auto* conns = root.add_subcommand("connections", "a PSU's bank connections");
  conns->require_subcommand(1);
  conns->footer(common_help_sections());
  {
    struct Args { std::string psu, connector; ListOptions opts; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*conns, "list", "list a PSU's connections (on every connector, or one)",
                     "GET /payment-service-users/<id>/connections, or …/connectors/<connector>/connections.",
                     "  connectivity connections list 0b6c…");
    cmd->add_option("psu", a->psu, "PSU ID")->required();
    cmd->add_option("--connector", a->connector, "only this connector (ID or name)");
    add_list_options(*cmd, a->opts);
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        std::string path = psu_path(a->psu) + (a->connector.empty() ? "" : "/connectors/" + seg(ctx.connector_id(a->connector))) + "/connections";
        ctx.print_list(ctx.list(path, a->opts), Table{{"CONNECTION", "CONNECTOR", "STATUS", "CREATED", "DATA UPDATED", "ERROR"}, {}, {}},
                       [&](const json::object& c) {
                         return std::vector<std::string>{str(c, "connectionID"), ctx.id(str(c, "connectorID")), str(c, "status"),
                                                         ctx.time(str(c, "createdAt")), ctx.time(str(c, "dataUpdatedAt")), str(c, "error")};
                       });
      };
    });
  }
  {
    struct Args { std::string psu, connector, connection; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*conns, "delete", "delete a connection and its data",
                     "DELETE /payment-service-users/<id>/connectors/<connector>/connections/<connection>. Runs as a\n"
                     "  task; prints its ID.",
                     "  connectivity connections delete 0b6c… powens-main 42");
    cmd->add_option("psu", a->psu, "PSU ID")->required();
    cmd->add_option("connector", a->connector, "connector ID or name")->required();
    cmd->add_option("connection", a->connection, "connection ID")->required();
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        Response r = ctx.client().call("DELETE", psu_path(a->psu) + "/connectors/" + seg(ctx.connector_id(a->connector)) +
                                                     "/connections/" + seg(a->connection));
        ctx.print(r, [&] { std::cout << "deletion started; task " << str(data_of(r).as_object(), "taskID") << "\n"; });
      };
    });
  }
}

}  // namespace cx::cli
