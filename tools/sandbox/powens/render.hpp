// Powens JSON for the emulator's objects (docs/providers/powens.md §3), with amounts written as JSON
// numbers of exact decimal text (e.g. -12.5, 1500.0, 7.125), as Powens' Python serializer does.
#pragma once

#include "world.hpp"

#include <boost/json.hpp>

#include <string>

namespace cx::sandbox::powens {

/// Rendering options that depend on fault injection.
struct RenderOptions {
  double malformed_amount_rate = 0;  ///< share of transactions served with one decimal too many
};

/// A JSON placeholder for a number whose text is exact; to_text() writes it unquoted.
boost::json::value number_text(const std::string& decimal_text);
/// Minor units -> decimal text like Python's float repr ("-12.5", "1500.0", "7.125").
std::string decimal_of(int64_t minor, int precision);
/// Serializes a value, turning number_text placeholders into bare JSON numbers.
std::string to_text(const boost::json::value& v);

/// True when this transaction is served with a malformed amount under `opt` (deterministic per id).
bool malformed(const World& w, const Transaction& t, const RenderOptions& opt);

boost::json::object currency_json(const Currency& c);
boost::json::object transaction_json(const World& w, const Transaction& t, const RenderOptions& opt);
boost::json::object account_json(const World& w, const Account& a);
/// A Connection; with `expand_connector` the connector {uuid, name} is embedded.
boost::json::object connection_json(const World& w, const Connection& c, bool expand_connector = false);
/// The `user` object of a CONNECTION_SYNCED body for the owner of `c`.
boost::json::object synced_user_json(const Connection& c);
/// CONNECTION_SYNCED body: user + connection + accounts, each with the transactions updated
/// since `since` (all of them when null).
boost::json::object connection_synced_json(const World& w, const Connection& c, std::optional<int64_t> since,
                                           const RenderOptions& opt);

/// Powens' error body {code, description, message, request_id} (docs/providers/powens.md §4).
std::string error_body(const std::string& code, const std::string& description, int64_t request_id,
                       const std::string& message = {});

}  // namespace cx::sandbox::powens
