// The host's check of every op output (both isolation modes pass through it, in
// ConnectorInstance): the output must be JSON and valid against sdk/schemas/<op>.response.json
// (cx_op_schema, compiled once per process). Unknown keys are allowed.
#pragma once

#include "host/plugin/faults.hpp"
#include "host/plugin/instance.hpp"
#include "host/plugin/ops.hpp"

namespace cx::plugin {

/// On a CX_OK result: parses r.out into r.json, or turns r into CX_ERR_INTERNAL (violation set,
/// out kept for diagnostics) with a message
/// naming the op, the JSON pointer of the offending key and the connector (name, provider), e.g.
/// "fetch_accounts output of connector bank-a (provider pager) violates its schema at /accounts:
/// required key is missing". Not retryable: the same page would break the same way.
void check_output(Op op, CallResult& r, const ConnectorInstance& connector);

}  // namespace cx::plugin
