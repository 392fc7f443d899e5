// HTTP client of a generic-connector service: bearer auth and the service's error body.
// Status classes, Retry-After, garbage-2xx handling and query encoding are the SDK's
// (connectivity/http.hpp). Sources: docs/providers/generic.md §1 (auth), §3 (error body).
#pragma once

#include "config.hpp"

#include <connectivity/connector.hpp>
#include <connectivity/http.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace cx::generic {

/// Talks to one service through the host's HTTP service (the plugin opens no socket).
class Client {
 public:
  Client(Host host, Config config) : host_(std::move(host)), config_(std::move(config)) {}

  /// GET {endpoint}{path}?{query} with `Authorization: Bearer <apiKey>`; returns the JSON body of
  /// a 2xx response. Throws cx::Failure: cx::classify()'s code for any other status (the message
  /// carries the service's {Title, Detail}), CX_ERR_UPSTREAM when a 2xx body is not JSON, and the
  /// host's code when no response arrived.
  boost::json::value get(std::string_view path, const Query& query, const Call& call) const;

  const Config& config() const { return config_; }

 private:
  Host host_;
  Config config_;
};

/// "Title: Detail" from the service's error body {Title, Detail} (title/detail accepted too,
/// docs/providers/generic.md §3); falls back to cx::body_excerpt when the body is not such an object.
std::string error_text(std::string_view body);

}  // namespace cx::generic
