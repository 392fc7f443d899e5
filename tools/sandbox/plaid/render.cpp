#include "render.hpp"

#include <connectivity/json.hpp>

#include <cmath>

namespace cx::sandbox::plaid {

namespace {
void write(std::string& out, const boost::json::value& v, int indent) {
  auto pad = [&](int n) { out.append(static_cast<size_t>(n) * 2, ' '); };
  switch (v.kind()) {
    case boost::json::kind::object: {
      auto& o = v.get_object();
      if (o.empty()) { out += "{}"; return; }
      out += "{\n";
      size_t i = 0;
      for (auto& [k, val] : o) {
        pad(indent + 1);
        out += boost::json::serialize(boost::json::value(k));
        out += ": ";
        write(out, val, indent + 1);
        out += ++i < o.size() ? ",\n" : "\n";
      }
      pad(indent);
      out += "}";
      return;
    }
    case boost::json::kind::array: {
      auto& a = v.get_array();
      if (a.empty()) { out += "[]"; return; }
      out += "[\n";
      for (size_t i = 0; i < a.size(); ++i) {
        pad(indent + 1);
        write(out, a[i], indent + 1);
        out += i + 1 < a.size() ? ",\n" : "\n";
      }
      pad(indent);
      out += "]";
      return;
    }
    case boost::json::kind::double_:
      out += cx::json::shortest_text(v.get_double()).value_or("null");
      return;
    default:
      out += boost::json::serialize(v);
  }
}
}  // namespace

std::string pretty(const boost::json::value& v) {
  std::string out;
  write(out, v, 0);
  return out;
}

boost::json::object error_body(const PlaidErr& e, const std::string& request_id) {
  boost::json::object o{{"error_type", e.type}, {"error_code", e.code}, {"error_code_reason", nullptr},
                        {"error_message", e.message}, {"request_id", request_id}, {"causes", boost::json::array{}},
                        {"status", e.status}, {"suggested_action", nullptr},
                        {"documentation_url", "https://plaid.com/docs/errors/" +
                                                  std::string(e.type == "ITEM_ERROR" ? "item" : "invalid-request") + "/#" +
                                                  e.code}};
  o["display_message"] = e.display ? boost::json::value(*e.display) : boost::json::value(nullptr);
  return o;
}

void send_json(httplib::Response& res, int status, const boost::json::value& body) {
  res.status = status;
  res.set_content(pretty(body), "application/json; charset=utf-8");
}

double major(int64_t minor, int precision) {
  return precision == 0 ? static_cast<double>(minor) : static_cast<double>(minor) / std::pow(10.0, precision);
}

}  // namespace cx::sandbox::plaid
