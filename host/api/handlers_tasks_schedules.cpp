// Tasks and connector schedules: GET /tasks/{taskID}, /connectors/{id}/schedules[/{sid}[/instances]].
#include "host/api/errors.hpp"
#include "host/api/presenters.hpp"
#include "host/api/routes.hpp"
#include "host/engine/workers.hpp"

#include <map>

namespace cx::api {
namespace {

store::ScheduleRecord require_schedule(store::Database& db, const std::string& connector_id, const std::string& id) {
  auto sch = db.read([&](store::ReadTx& tx) { return store::schedules::get(tx, id); });
  if (!sch || sch->connector_id != connector_id) throw not_found("schedule not found");
  return std::move(*sch);
}

/// The task of a schedule run, or nullopt for a schedule without a task spec.
std::optional<std::string> run_task_id(const store::ScheduleRecord& s, const std::string& instance_id) {
  const auto* spec = s.task.if_object();
  if (!spec || !spec->contains("reference") || !spec->at("reference").is_string()) return std::nullopt;
  return engine::schedule_task_id(s, instance_id);
}

}  // namespace

void add_task_schedule_routes(Api& api, const Services& s) {
  api.add("GET", v3("/tasks/{taskID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = task_id_param(c);
    auto task = s.db.read([&](store::ReadTx& tx) { return store::tasks::get(tx, id); });
    if (!task) throw not_found("task not found");
    return data_response(200, task_json(*task));
  });

  api.add("GET", v3("/connectors/{connectorID}/schedules"), Access::Private, [s](const RouteContext& c) {
    std::string cid = connector_id_param(c);
    require_connector(s.db, cid);
    return list_response(c, [&](const PageRequest& r) {
      auto page = s.db.read([&](store::ReadTx& tx) { return store::schedules::list(tx, cid, r.query); });
      return render_page(page, schedule_json);
    });
  });

  api.add("GET", v3("/connectors/{connectorID}/schedules/{scheduleID}"), Access::Private, [s](const RouteContext& c) {
    std::string cid = connector_id_param(c);
    return data_response(200, schedule_json(require_schedule(s.db, cid, opaque_param(c, "scheduleID"))));
  });

  api.add("GET", v3("/connectors/{connectorID}/schedules/{scheduleID}/instances"), Access::Private,
          [s](const RouteContext& c) {
            std::string cid = connector_id_param(c);
            auto sch = require_schedule(s.db, cid, opaque_param(c, "scheduleID"));
            return list_response(c, [&](const PageRequest& r) {
              // An open run shows its task's progress (attempts, next attempt, last error).
              std::map<std::string, store::TaskRecord> tasks;
              auto page = s.db.read([&](store::ReadTx& tx) {
                auto p = store::schedule_instances::list(tx, sch.id, r.query);
                for (auto& i : p.items)
                  if (auto id = run_task_id(sch, i.id); id && !i.terminated)
                    if (auto t = store::tasks::get(tx, *id)) tasks.emplace(i.id, std::move(*t));
                return p;
              });
              return render_page(page, [&](const store::ScheduleInstanceRecord& i) {
                auto it = tasks.find(i.id);
                auto o = schedule_instance_json(i, it == tasks.end() ? std::nullopt : std::optional(it->second));
                if (auto id = run_task_id(sch, i.id)) o["taskID"] = *id;  // additive: GET /tasks/{taskID}
                return o;
              });
            });
          });
}

}  // namespace cx::api
