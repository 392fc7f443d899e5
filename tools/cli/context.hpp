// What every verb shares: the output options, the lazily built API client, list paging,
// connector-name resolution and the man-page sections of --help.
#pragma once

#include "tools/cli/client.hpp"
#include "tools/cli/format.hpp"
#include "tools/cli/settings.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace cx::cli {

/// A verb's command-line usage mistake found after parsing (exit 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Output {
  bool json = false;  ///< print the API's JSON instead of tables
  bool wide = false;  ///< full IDs
  bool utc = false;   ///< times in UTC instead of the local zone
};

/// Paging flags of a list verb.
struct ListOptions {
  int page_size = 0;          ///< 0: the API's default (15)
  std::string cursor;         ///< continue from a previous page
  bool all = false;           ///< follow `next` to the end (at most 10 000 pages)
  std::string query;          ///< a v3 filter (JSON), sent as ?query=
};

/// One page (or all pages) of a list.
struct ListResult {
  boost::json::array items;
  std::string raw;            ///< the last page's body as received
  int pages = 0;              ///< pages fetched
  std::optional<std::string> next;  ///< cursor of the next page when not everything was fetched
};

class Context {
 public:
  Output out;
  SettingsInput settings;
  /// The chosen verb's work, set by its parse callback and run by main after parsing.
  std::function<void()> action;

  Client& client();

  /// GET path (with its own query params) as a list: pageSize/cursor/query from `opts`.
  ListResult list(const std::string& path, const ListOptions& opts, QueryParams params = {});
  /// list() under another service's root ("/api/reconciliation", "/api/webhooks"): the same
  /// {"cursor":{hasMore,next,data}} paging.
  ListResult list_at(const std::string& api_root, const std::string& path, const ListOptions& opts, QueryParams params = {});

  /// Prints a list: the API's JSON (one page: its body; several pages: {"data":[…every item]}) or the table of
  /// `row` over the items, then a hint with the next cursor on stderr.
  void print_list(const ListResult& r, Table table, const std::function<std::vector<std::string>(const boost::json::object&)>& row);

  /// --json: the body as received; else `human()`.
  void print(const Response& r, const std::function<void()>& human);

  /// A connector's ID from its ID, its name or a shortened ID as tables show it (one list of
  /// the connectors); anything else is passed on as given so the API reports it.
  std::string connector_id(const std::string& name_or_id);

  std::string id(std::string_view v) const { return shorten_id(v, out.wide); }
  std::string time(std::string_view v) const { return format_time(v, out.utc); }

 private:
  std::unique_ptr<Client> client_;
};

/// The text of a string member ("" when absent or not a string).
std::string str(const boost::json::object& o, std::string_view key);
/// An integer member as decimal text (amounts: int64/uint64 exactly; other JSON as serialised).
std::string num(const boost::json::object& o, std::string_view key);
/// The "data" member of an answer's envelope; throws BadResponse when missing.
const boost::json::value& data_of(const Response& r);
/// A JSON object file's text ("-": stdin); throws UsageError when unreadable or not an object.
std::string read_json_file(const std::string& path);
/// "k=v" pairs as a JSON object of strings; throws UsageError on a pair without '='.
boost::json::object metadata_pairs(const std::vector<std::string>& pairs);

/// Adds a verb with man-page-style help: the one-line summary, then DESCRIPTION, EXAMPLES and
/// the common ENVIRONMENT / FILES / EXIT STATUS sections in its footer.
CLI::App* verb(CLI::App& parent, const std::string& name, const std::string& summary, const std::string& description,
               const std::string& examples);
/// Adds --page-size, --cursor, --all and (when `with_query`) --query to a list verb.
void add_list_options(CLI::App& cmd, ListOptions& opts, bool with_query = true);
/// The common sections (also the root's footer).
std::string common_help_sections();

}  // namespace cx::cli
