// The limit every payment-ingest benchmark compares against: the same payment and adjustment rows
// the store writes (same schema, same columns), inserted with prepared statements, every value
// computed before the clock starts, the raw payload in clear, one transaction per page.
#pragma once

#include "host/store/store.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace cx::bench {

/// A fixed master key, so benchmark databases need no key file.
crypto::MasterKey bench_key();

/// The generic connector row the benchmark payments belong to.
store::ConnectorRecord bench_connector();

/// How the payments' provider references are drawn.
enum class References {
  Sequential,  ///< tx_1000000, tx_1000001, ...: ids in insertion order (a provider's counter)
  Random,      ///< txn_ + 12 random hex digits, as the generic reference service issues them:
               ///< ids, hence index inserts, land anywhere in the b-trees
};

/// n payments shaped like a generic connector's (encoded ids, a ~350-byte provider payload),
/// spread over 50 source and 7 destination accounts. The same n and refs give the same rows.
std::vector<store::PaymentWrite> make_payments(const std::string& connector_id, int n,
                                               References refs = References::Sequential);

/// Creates a fresh store database at `path` (our schema and the bench connector row), then inserts
/// one payment row and one adjustment row per item, `page_size` items per transaction.
/// @returns payments inserted per second (the clock covers the inserts only).
double raw_insert_payments(const std::filesystem::path& path, const std::vector<store::PaymentWrite>& items,
                           int page_size);

}  // namespace cx::bench
