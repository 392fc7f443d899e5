// tasks get [--wait]; schedules list|get|instances
#include "tools/cli/commands.hpp"

#include <chrono>
#include <iostream>
#include <thread>

namespace cx::cli {
namespace json = boost::json;

void add_task_commands(CLI::App& root, Context& ctx) {
  auto* tasks = root.add_subcommand("tasks", "follow the tasks that uninstall, reset, delete and forward start");
  tasks->require_subcommand(1);
  tasks->footer(common_help_sections());
  {
    struct Args { std::string id; int wait_seconds = 0; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*tasks, "get", "show a task's status",
                     "GET /tasks/<id>: PROCESSING, SUCCEEDED or FAILED (with its error). --wait N polls every\n"
                     "  200 ms for up to N seconds until the task is no longer PROCESSING; a task that FAILED then\n"
                     "  exits 1.",
                     "  connectivity tasks get eyJDb25… --wait 30");
    cmd->add_option("task", a->id, "task ID")->required();
    cmd->add_option("--wait", a->wait_seconds, "wait up to this many seconds for the task to end")->check(CLI::Range(0, 3600));
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(a->wait_seconds);
        Response r;
        for (int i = 0; i < 20000; ++i) {
          r = ctx.client().call("GET", "/tasks/" + seg(a->id));
          if (a->wait_seconds == 0 || str(data_of(r).as_object(), "status") != "PROCESSING" ||
              std::chrono::steady_clock::now() >= end)
            break;
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        const auto& t = data_of(r).as_object();
        ctx.print(r, [&] {
          Table table{{"TASK", "CONNECTOR", "STATUS", "CREATED", "UPDATED", "ERROR"}, {}, {}};
          table.rows.push_back({ctx.id(str(t, "id")), ctx.id(str(t, "connectorID")), str(t, "status"),
                                ctx.time(str(t, "createdAt")), ctx.time(str(t, "updatedAt")), str(t, "error")});
          std::cout << table.render();
        });
        if (a->wait_seconds > 0 && str(t, "status") == "FAILED") throw BadResponse("task failed: " + str(t, "error"));
      };
    });
  }

  auto* schedules = root.add_subcommand("schedules", "a connector's periodic sync schedules");
  schedules->require_subcommand(1);
  schedules->footer(common_help_sections());
  auto schedule_row = [&ctx](const json::object& s) {
    return std::vector<std::string>{ctx.id(str(s, "id")), ctx.time(str(s, "createdAt")),
                                    str(s, "pausedAt").empty() ? "active" : "paused " + ctx.time(str(s, "pausedAt")),
                                    str(s, "pausedReason")};
  };
  {
    struct Args { std::string connector; ListOptions opts; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*schedules, "list", "list a connector's schedules", "GET /connectors/<id>/schedules.",
                     "  connectivity schedules list generic-main");
    cmd->add_option("connector", a->connector, "connector ID or name")->required();
    add_list_options(*cmd, a->opts, false);
    cmd->callback([&ctx, a, schedule_row] {
      ctx.action = [&ctx, a, schedule_row] {
        ctx.print_list(ctx.list("/connectors/" + seg(ctx.connector_id(a->connector)) + "/schedules", a->opts),
                       Table{{"SCHEDULE", "CREATED", "STATE", "REASON"}, {}, {}}, schedule_row);
      };
    });
  }
  {
    struct Args { std::string connector, schedule; ListOptions opts; };
    auto a = std::make_shared<Args>();
    auto* cmd = verb(*schedules, "instances", "the runs of one schedule",
                     "GET /connectors/<id>/schedules/<schedule>/instances: each run, whether it ended and its error.",
                     "  connectivity schedules instances generic-main --wide <schedule-id>");
    cmd->add_option("connector", a->connector, "connector ID or name")->required();
    cmd->add_option("schedule", a->schedule, "schedule ID")->required();
    add_list_options(*cmd, a->opts, false);
    cmd->callback([&ctx, a] {
      ctx.action = [&ctx, a] {
        std::string path = "/connectors/" + seg(ctx.connector_id(a->connector)) + "/schedules/";
        ctx.print_list(ctx.list(path + seg(a->schedule) + "/instances", a->opts),
                       Table{{"INSTANCE", "CREATED", "UPDATED", "TERMINATED", "ERROR"}, {}, {}}, [&](const json::object& i) {
                         auto t = i.if_contains("terminated");
                         return std::vector<std::string>{ctx.id(str(i, "id")), ctx.time(str(i, "createdAt")),
                                                         ctx.time(str(i, "updatedAt")),
                                                         t && t->is_bool() && t->get_bool() ? ctx.time(str(i, "terminatedAt")) : "no",
                                                         str(i, "error")};
                       });
      };
    });
  }
}

}  // namespace cx::cli
