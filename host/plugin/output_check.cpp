#include "host/plugin/output_check.hpp"

#include <validate/op_schema.hpp>

#include <boost/json.hpp>

namespace cx::plugin {

namespace {
std::string who(const ConnectorInstance& c) {
  auto l = c.label();
  return "connector " + l.name + " (provider " + l.provider + ")";
}
void fail(CallResult& r, const std::string& message) {
  r.code = CX_ERR_INTERNAL;
  r.violation = true;
  r.json = nullptr;
  r.err = boost::json::serialize(boost::json::object{{"message", message}});
}
}  // namespace

void check_output(Op op, CallResult& r, const ConnectorInstance& connector) {
  if (!r.ok()) return;
  boost::system::error_code ec;
  r.json = boost::json::parse(r.out, ec);
  if (ec) return fail(r, std::string(op_name(op)) + " output of " + who(connector) + " is not JSON (" + ec.message() + ")");
  if (auto v = schema::OpSchemas::builtin().check_output(op_name(op), r.json))
    fail(r, std::string(op_name(op)) + " output of " + who(connector) + " violates its schema at " + v->text());
}

}  // namespace cx::plugin
