// connectors install|list|get|config|update-config|uninstall|reset|configs|capabilities|unquarantine
#include "tools/cli/commands.hpp"

#include <iostream>

namespace cx::cli {
namespace json = boost::json;
namespace {

void print_task(Context& ctx, const Response& r, const std::string& what) {
  ctx.print(r, [&] {
    const auto& d = data_of(r);
    std::string task = d.is_object() ? str(d.get_object(), "taskID") : d.is_string() ? std::string(d.get_string()) : "";
    std::cout << what << "; task " << task << " (follow it with: connectivity tasks get " << task << ")\n";
  });
}

void print_config(Context& ctx, const Response& r) {
  ctx.print(r, [&] {
    const auto& d = data_of(r);
    Table t{{"FIELD", "VALUE"}, {}, {}};
    if (d.is_object())
      for (const auto& [k, v] : d.get_object())
        t.rows.push_back({std::string(k), v.is_string() ? std::string(v.get_string()) : json::serialize(v)});
    std::cout << t.render();
  });
}

}  // namespace

void add_connector_commands(CLI::App& root, Context& ctx) {
  auto* group = root.add_subcommand("connectors", "install, inspect and remove connectors");
  group->require_subcommand(1);
  group->footer(common_help_sections());

  {
    struct Args { std::string provider, file; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "install", "install a connector of a provider from a JSON config file",
                     "POST /connectors/install/<provider> with the file's JSON object (\"-\" reads stdin). The config\n"
                     "  holds the connector's `name`, its `pollingPeriod` (a Go duration such as \"2m\") and the provider's\n"
                     "  fields (see `connectivity connectors configs <provider>`). Prints the new connector's ID.",
                     "  connectivity connectors install generic config.json\n"
                     "  connectivity connectors install powens - < powens.json");
    cmd->add_option("provider", a->provider, "provider, e.g. powens, plaid, generic")->required();
    cmd->add_option("config", a->file, "JSON config file, or - for stdin")->required();
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        std::string body = read_json_file(a->file);
        Response r = ctx.client().call("POST", "/connectors/install/" + seg(a->provider), body);
        ctx.print(r, [&] { std::cout << data_of(r).as_string().c_str() << "\n"; });
      };
    });
  }
  {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = verb(*group, "list", "list the installed connectors",
                     "GET /connectors: ID, name, provider, creation time and state (quarantined, being uninstalled).",
                     "  connectivity connectors list\n  connectivity connectors list --json | jq -r '.cursor.data[].id'");
    add_list_options(*cmd, *opts);
    cmd->callback([&ctx, opts] {
      ctx.action = [&ctx, opts] {
        ctx.print_list(ctx.list("/connectors", *opts), Table{{"ID", "NAME", "PROVIDER", "CREATED", "STATE"}, {}, {}},
                       [&](const json::object& c) {
                         std::string state = "active";
                         if (auto q = c.if_contains("quarantined"); q && q->is_bool() && q->get_bool()) state = "quarantined";
                         if (auto s = c.if_contains("scheduledForDeletion"); s && s->is_bool() && s->get_bool()) state = "uninstalling";
                         return std::vector<std::string>{ctx.id(str(c, "id")), str(c, "name"), str(c, "provider"),
                                                         ctx.time(str(c, "createdAt")), state};
                       });
      };
    });
  }
  {
    auto who = std::make_shared<std::string>();
    auto* cmd = verb(*group, "get", "show one connector: its listing and capabilities",
                     "The connector's entry of GET /connectors and GET /connectors/<id>/capabilities. CONNECTOR is\n"
                     "  its ID, its name or its shortened ID.",
                     "  connectivity connectors get powens-main");
    cmd->add_option("connector", *who, "connector ID or name")->required();
    cmd->callback([&ctx, who] {
      ctx.action = [&ctx, who] {
        std::string id = ctx.connector_id(*who);
        ListOptions all;
        all.all = true;
        ListResult l = ctx.list("/connectors", all);
        const json::object* found = nullptr;
        for (const auto& item : l.items)
          if (item.is_object() && str(item.get_object(), "id") == id) found = &item.get_object();
        if (!found) throw ApiError(404, "NOT_FOUND", "connector not found: " + *who);
        Response caps = ctx.client().call("GET", "/connectors/" + seg(id) + "/capabilities");
        if (ctx.out.json) {
          json::object o = *found;
          o["capabilities"] = data_of(caps);
          std::cout << json::serialize(json::object{{"data", o}}) << "\n";
          return;
        }
        Table t{{"FIELD", "VALUE"}, {}, {}};
        t.rows.push_back({"id", str(*found, "id")});
        t.rows.push_back({"name", str(*found, "name")});
        t.rows.push_back({"provider", str(*found, "provider")});
        t.rows.push_back({"created", ctx.time(str(*found, "createdAt"))});
        std::string capabilities;
        if (data_of(caps).is_array())
          for (const auto& c : data_of(caps).get_array())
            if (c.is_string()) capabilities += (capabilities.empty() ? "" : " ") + std::string(c.get_string());
        t.rows.push_back({"capabilities", capabilities});
        std::cout << t.render();
      };
    });
  }
  {
    auto who = std::make_shared<std::string>();
    auto* cmd = verb(*group, "config", "show a connector's config",
                     "GET /connectors/<id>/config: the config as installed (secrets included: the API returns them).",
                     "  connectivity connectors config powens-main --json > powens.json");
    cmd->add_option("connector", *who, "connector ID or name")->required();
    cmd->callback([&ctx, who] {
      ctx.action = [&ctx, who] { print_config(ctx, ctx.client().call("GET", "/connectors/" + seg(ctx.connector_id(*who)) + "/config")); };
    });
  }
  {
    struct Args { std::string who, file; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*group, "update-config", "replace a connector's config from a JSON file",
                     "PATCH /connectors/<id>/config with the file's JSON object (\"-\" reads stdin).",
                     "  connectivity connectors config generic-main --json | jq '.data | .pollingPeriod=\"5m\"' \\\n"
                     "    | connectivity connectors update-config generic-main -");
    cmd->add_option("connector", a->who, "connector ID or name")->required();
    cmd->add_option("config", a->file, "JSON config file, or - for stdin")->required();
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        std::string body = read_json_file(a->file);
        Response r = ctx.client().call("PATCH", "/connectors/" + seg(ctx.connector_id(a->who)) + "/config", body);
        ctx.print(r, [] { std::cout << "config updated\n"; });
      };
    });
  }
  for (auto [name, method, suffix, summary, done] :
       {std::tuple{"uninstall", "DELETE", "", "uninstall a connector and delete its data", "uninstall started"},
        std::tuple{"reset", "POST", "/reset", "uninstall then reinstall a connector with the same config", "reset started"}}) {
    auto who = std::make_shared<std::string>();
    std::string m = method, sfx = suffix, what = done;
    auto* cmd = verb(*group, name, summary,
                     std::string(method) + " /connectors/<id>" + suffix + ": runs as a task; prints its ID.",
                     std::string("  connectivity connectors ") + name + " generic-main");
    cmd->add_option("connector", *who, "connector ID or name")->required();
    cmd->callback([&ctx, who, m, sfx, what] {
      ctx.action = [&ctx, who, m, sfx, what] {
        print_task(ctx, ctx.client().call(m, "/connectors/" + seg(ctx.connector_id(*who)) + sfx), what);
      };
    });
  }
  {
    auto who = std::make_shared<std::string>();
    auto* cmd = verb(*group, "unquarantine", "lift a connector's plugin quarantine",
                     "DELETE /connectors/<id>/quarantine: its tasks resume.", "  connectivity connectors unquarantine powens-main");
    cmd->add_option("connector", *who, "connector ID or name")->required();
    cmd->callback([&ctx, who] {
      ctx.action = [&ctx, who] {
        Response r = ctx.client().call("DELETE", "/connectors/" + seg(ctx.connector_id(*who)) + "/quarantine");
        ctx.print(r, [] { std::cout << "quarantine lifted\n"; });
      };
    });
  }
  {
    auto provider = std::make_shared<std::string>();
    auto* cmd = verb(*group, "configs", "the config fields each provider takes",
                     "GET /connectors/configs: per provider, each field's type (its format when declared),\n"
                     "  whether it is required, its default and description. PROVIDER limits the table to one provider.",
                     "  connectivity connectors configs\n  connectivity connectors configs generic");
    cmd->add_option("provider", *provider, "only this provider");
    cmd->callback([&ctx, provider] {
      ctx.action = [&ctx, provider] {
        Response r = ctx.client().call("GET", "/connectors/configs");
        ctx.print(r, [&] {
          Table t{{"PROVIDER", "FIELD", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION"}, {}, {}};
          const auto& d = data_of(r);
          if (!d.is_object()) throw BadResponse("configs: data is not an object");
          bool any = false;
          for (const auto& [p, fields] : d.get_object()) {
            if (!provider->empty() && p != *provider) continue;
            any = true;
            if (!fields.is_object()) continue;
            for (const auto& [f, spec] : fields.get_object()) {
              const json::object empty;
              const auto& s = spec.is_object() ? spec.get_object() : empty;
              auto req = s.if_contains("required");
              auto def = s.if_contains("defaultValue");
              // A declared format (duration, uri…) says more than its JSON type (string).
              std::string type = s.contains("format") ? str(s, "format") : str(s, "dataType");
              t.rows.push_back({std::string(p), std::string(f), type, req && req->is_bool() && req->get_bool() ? "yes" : "no",
                                def ? (def->is_string() ? std::string(def->get_string()) : json::serialize(*def)) : "",
                                str(s, "description")});
            }
          }
          if (!any && !provider->empty()) throw UsageError("no provider '" + *provider + "' (see: connectivity connectors configs)");
          std::cout << t.render();
        });
      };
    });
  }
}

}  // namespace cx::cli
