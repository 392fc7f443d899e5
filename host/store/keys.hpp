// Wrapped data keys in the data_keys table, and master-key rotation.
#pragma once

#include "host/crypto/master_key.hpp"
#include "host/store/tx.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace cx::store {

/// Re-wraps every data key under `next` in one write transaction and records next's id and key
/// check value; the data itself is not touched. Afterwards only `next` opens the database.
/// (`connectivityd keys rotate --new-master-key-file F` calls this.)
void rotate_master_key(Database& db, crypto::MasterKey next);

namespace keys {
/// Owners that currently have a data key (e.g. "psu:…"), sorted.
std::vector<std::string> owners(Tx& tx);
/// The wrapped bytes of an owner's key as stored (tests: proves a shredded key is gone).
std::vector<uint8_t> wrapped(Tx& tx, const std::string& owner);
}  // namespace keys

}  // namespace cx::store
