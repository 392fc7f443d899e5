#include "tools/cli/context.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace cx::cli {
namespace json = boost::json;

Client& Context::client() {
  if (!client_) client_ = std::make_unique<Client>(resolve_settings(settings));
  return *client_;
}

ListResult Context::list(const std::string& path, const ListOptions& opts, QueryParams params) {
  return list_at("/api/payments/v3", path, opts, std::move(params));
}

ListResult Context::list_at(const std::string& api_root, const std::string& path, const ListOptions& opts,
                            QueryParams params) {
  ListResult out;
  QueryParams first = params;
  if (!opts.cursor.empty()) {
    first.emplace_back("cursor", opts.cursor);
  } else {
    if (opts.page_size > 0) first.emplace_back("pageSize", std::to_string(opts.page_size));
    else if (opts.all) first.emplace_back("pageSize", "100");
    if (!opts.query.empty()) first.emplace_back("query", opts.query);
  }
  QueryParams q = first;
  for (int page = 0; page < 10000; ++page) {
    Response r = client().request("GET", api_root + with_query(path, q));
    out.raw = r.body;
    ++out.pages;
    const json::object* cursor = r.json.is_object() ? r.json.get_object().if_contains("cursor") ? &r.json.at("cursor").as_object() : nullptr : nullptr;
    if (!cursor) throw BadResponse("GET " + path + ": the answer has no cursor");
    if (auto d = cursor->if_contains("data"); d && d->is_array())
      for (auto& item : d->get_array()) out.items.push_back(item);
    bool more = false;
    if (auto h = cursor->if_contains("hasMore"); h && h->is_bool()) more = h->get_bool();
    std::string next = str(*cursor, "next");
    if (!more || next.empty()) {
      out.next.reset();
      return out;
    }
    out.next = next;
    if (!opts.all) return out;
    q = params;
    q.emplace_back("cursor", next);
  }
  return out;
}

void Context::print_list(const ListResult& r, Table table,
                         const std::function<std::vector<std::string>(const json::object&)>& row) {
  if (out.json) {
    if (r.pages > 1) std::cout << json::serialize(json::object{{"data", r.items}}) << "\n";
    else std::cout << r.raw << "\n";
    return;
  }
  for (const auto& item : r.items)
    if (item.is_object()) table.rows.push_back(row(item.get_object()));
  std::cout << table.render();
  if (r.next) std::cerr << "(more: add --cursor " << *r.next << ", or --all)\n";
}

void Context::print(const Response& r, const std::function<void()>& human) {
  if (out.json) {
    std::cout << r.body << (r.body.empty() || r.body.back() != '\n' ? "\n" : "");
    return;
  }
  human();
}

std::string Context::connector_id(const std::string& name_or_id) {
  ListOptions all;
  all.all = true;
  ListResult r = list("/connectors", all);
  std::vector<std::string> by_name, by_short;
  for (const auto& item : r.items) {
    if (!item.is_object()) continue;
    const auto& c = item.get_object();
    std::string id = str(c, "id");
    if (id == name_or_id) return id;
    if (str(c, "name") == name_or_id) by_name.push_back(id);
    if (shorten_id(id, false) == name_or_id) by_short.push_back(id);
  }
  if (by_name.size() == 1) return by_name.front();
  if (by_short.size() == 1) return by_short.front();
  if (by_name.size() > 1 || by_short.size() > 1) throw UsageError("'" + name_or_id + "' names several connectors: use its ID");
  return name_or_id;
}

std::string str(const json::object& o, std::string_view key) {
  auto v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string num(const json::object& o, std::string_view key) {
  auto v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);  // a double: beyond 64 bits, shown as the JSON parser kept it
}

const json::value& data_of(const Response& r) {
  if (r.json.is_object())
    if (auto d = r.json.get_object().if_contains("data")) return *d;
  throw BadResponse("the answer has no data member: " + r.body.substr(0, 200));
}

std::string read_json_file(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read " + path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) throw UsageError(path + " is not a JSON object" + (ec ? ": " + ec.message() : ""));
  return text;
}

json::object metadata_pairs(const std::vector<std::string>& pairs) {
  json::object m;
  for (const auto& p : pairs) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--metadata takes KEY=VALUE, got '" + p + "'");
    m[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return m;
}

std::string common_help_sections() {
  return R"(
GLOBAL OPTIONS
  --url URL, --token-file FILE, --config FILE, --json, --wide, --utc: before or after the verb
  (see connectivity --help).

ENVIRONMENT
  CONNECTIVITY_URL        daemon base URL (default http://127.0.0.1:8080); --url overrides it
  CONNECTIVITY_API_TOKEN  API bearer token; --token-file FILE overrides it
  TZ                      time zone of the times shown (see --utc)

FILES
  ~/.config/connectivity/config.toml  (or $XDG_CONFIG_HOME/connectivity/config.toml, or --config)
      url = "https://connectivity.example.com"
      token_file = "/home/ops/.config/connectivity/token"   # or: token = "…"
  Flags win over the environment, which wins over the file.

EXIT STATUS
  0 success; 1 other failure; 2 usage error; 3 the API answered an error (its errorCode and
  message are printed on stderr); 4 the daemon could not be reached.)";
}

CLI::App* verb(CLI::App& parent, const std::string& name, const std::string& summary, const std::string& description,
               const std::string& examples) {
  CLI::App* cmd = parent.add_subcommand(name, summary);
  std::string footer = "\nDESCRIPTION\n  " + description + "\n";
  if (!examples.empty()) footer += "\nEXAMPLES\n" + examples + "\n";
  cmd->footer(footer + common_help_sections());
  return cmd;
}

void add_list_options(CLI::App& cmd, ListOptions& opts, bool with_query) {
  cmd.add_option("--page-size", opts.page_size, "rows per page (API default 15, at most 100)")->check(CLI::Range(1, 100));
  cmd.add_option("--cursor", opts.cursor, "continue from the cursor a previous page printed");
  cmd.add_flag("--all", opts.all, "follow the cursor to the last page (with --json over several pages: {\"data\":[…]})");
  if (with_query) cmd.add_option("--query", opts.query, R"(a v3 filter, e.g. '{"$match":{"name":"main"}}')");
}

}  // namespace cx::cli
