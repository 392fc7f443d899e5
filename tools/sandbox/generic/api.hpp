// The generic-connector API as the sandbox serves it
// (docs/providers/generic.md §2):
// GET /accounts, /accounts/{id}/balances, /beneficiaries, /transactions; POST /payouts, /transfers.
// Every route needs `Authorization: Bearer <api key>`; errors are {Title, Detail}.
#pragma once

#include "tools/sandbox/generic/dataset.hpp"
#include "tools/sandbox/generic/faults.hpp"

#include <httplib.h>

#include <map>
#include <mutex>
#include <string>

namespace cx::sandbox::generic {

/// Writes an error body {Title, Detail} with the given status.
void send_error(httplib::Response& res, int status, const std::string& title, const std::string& detail);
/// Writes a JSON body with the given status.
void send_json(httplib::Response& res, int status, const boost::json::value& body);

class Api {
 public:
  Api(Dataset& data, Faults& faults, std::string api_key) : data_(data), faults_(faults), api_key_(std::move(api_key)) {}

  /// Registers the routes and the pre-routing check (bearer key, then injected faults) of
  /// every path outside /sandbox/.
  void mount(httplib::Server& server);

 private:
  void list(const httplib::Request& req, httplib::Response& res, List list);
  void balances(const httplib::Request& req, httplib::Response& res);
  /// POST /payouts (transfer = false) or /transfers (transfer = true).
  void initiate(const httplib::Request& req, httplib::Response& res, bool transfer);
  boost::json::object initiation_json(const boost::json::object& request, const std::string& id) const;

  Dataset& data_;
  Faults& faults_;
  std::string api_key_;
  std::mutex initiations_mu_;
  struct Initiation {
    bool transfer;
    boost::json::object request;
    std::string id;
  };
  std::map<std::string, Initiation> initiations_;  ///< by idempotencyKey
  uint64_t next_initiation_ = 1;
};

}  // namespace cx::sandbox::generic
