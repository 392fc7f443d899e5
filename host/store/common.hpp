// Small value types shared by the repositories.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cx::store {

/// String → string metadata, as the v3 API and the SDK carry it (same type as cx::Metadata).
/// Values are sealed at rest unless their key starts with "public." (sealed_metadata.hpp);
/// connection metadata stays clear; see host/store/store.hpp.
using Metadata = std::map<std::string, std::string>;

/// A provider token (always encrypted at rest). expires_at: UTC ms, absent = does not expire.
struct TokenValue {
  std::string token;
  std::optional<int64_t> expires_at;
};

}  // namespace cx::store
