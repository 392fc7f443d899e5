// Small value types shared by the repositories.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cx::store {

/// String → string metadata, as the v3 API and the SDK carry it (same type as cx::Metadata).
/// Stored as clear JSON where the API filters on it (accounts, payments, PSUs, connections,
/// bank accounts): metadata is not a place for personal data by contract (see the store's
/// doc comment in host/store/store.hpp). Stored encrypted where it carries secrets and is never
/// filtered (forwarded users, webhook configs).
using Metadata = std::map<std::string, std::string>;

/// A provider token (always encrypted at rest). expires_at: UTC ms, absent = does not expire.
struct TokenValue {
  std::string token;
  std::optional<int64_t> expires_at;
};

}  // namespace cx::store
