// The connector catalogue as the v3 API shows it: capability names and config field specs,
// derived from the plugins' descriptors.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cx::api {

/// The reference's capability names for CX_CAP_* bits, in bit order. Open banking is implied by
/// the provider and never listed (the official client only knows the reference's 14 values).
std::vector<std::string> capability_names(uint64_t bits);

/// GET /connectors/configs entry of one provider: {field: {dataType, required, defaultValue?,
/// format?, description?, enum?, minimum?, maximum?}} from the plugin's config JSON Schema, as
/// declared: dataType is the field's JSON type ("string", "integer", "number", "boolean"),
/// format e.g. "duration" or "url" (connectivity/config.hpp). `name` (required string) and
/// `pollingPeriod` (duration, default "30m") are always present. A schema that is not valid JSON
/// yields just those.
boost::json::object config_fields(std::string_view schema_json);

}  // namespace cx::api
