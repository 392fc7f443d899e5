// The sandbox console under /sandbox/console (no auth; loopback tool): clock, faults, ground
// truth, item injection and request statistics. Endpoints are listed in README.md.
#pragma once

#include "tools/sandbox/generic/dataset.hpp"
#include "tools/sandbox/generic/faults.hpp"
#include "tools/sandbox/generic/seed.hpp"

#include <httplib.h>

#include <mutex>

namespace cx::sandbox::generic {

class Console {
 public:
  /// generator is null when serving a --data file: advancing the clock then only settles
  /// payouts and transfers created through the API.
  Console(Dataset& data, Faults& faults, Generator* generator) : data_(data), faults_(faults), generator_(generator) {}

  void mount(httplib::Server& server);

 private:
  void advance(const httplib::Request& req, httplib::Response& res);

  Dataset& data_;
  Faults& faults_;
  Generator* generator_;
  std::mutex advance_mu_;  ///< one clock advance at a time (the generator is not thread-safe)
};

}  // namespace cx::sandbox::generic
