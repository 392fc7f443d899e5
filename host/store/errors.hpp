// Errors the store throws. The API maps them: NotFound → 404 NOT_FOUND, Conflict → 400 CONFLICT,
// InvalidReference, InvalidValue and QueryError (query.hpp) → 400 VALIDATION; the rest → 500.
// crypto::DecryptError (host/crypto/field_cipher.hpp) names the table/column/row that failed.
#pragma once

#include "host/crypto/field_cipher.hpp"
#include "host/store/query.hpp"

#include <stdexcept>

namespace cx::store {

/// Base of every store error.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// The row the operation needs does not exist (message names the resource and id).
struct NotFound : StoreError {
  using StoreError::StoreError;
};
/// A unique key is already taken (duplicate connector name, PSU id, forwarded user, …).
struct Conflict : StoreError {
  using StoreError::StoreError;
};
/// A foreign key points nowhere (balance of an unknown account, PSU with an unknown bank account…).
struct InvalidReference : StoreError {
  using StoreError::StoreError;
};
/// A value the schema refuses: a non-integer amount, a status outside its enum, a missing field.
struct InvalidValue : StoreError {
  using StoreError::StoreError;
};
/// The database was written by a newer binary (its schema version is above ours); we refuse it.
struct SchemaTooNew : StoreError {
  using StoreError::StoreError;
};
/// A transaction of another node collided with this one (a deadlock or serialization failure on
/// PostgreSQL) and was rolled back: nothing was written, and running it again should succeed.
struct Contention : StoreError {
  using StoreError::StoreError;
};
/// The file is not a SQLite database, is truncated, or is corrupt. The message names the path.
struct CorruptDatabase : StoreError {
  using StoreError::StoreError;
};

using crypto::DecryptError;

}  // namespace cx::store
