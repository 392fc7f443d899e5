// Numbered schema migrations. Each runs in its own transaction together with its row in
// schema_migrations, so a crash leaves the database at a whole version. Never edit a released
// migration: append a new one.
#pragma once

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <vector>

namespace cx::store {

struct Migration {
  int version;       ///< 1, 2, … without gaps
  const char* name;  ///< a few words, recorded with the version
  const char* sql;
};

/// Every migration this binary knows, in order.
const std::vector<Migration>& migrations();

/// The highest applied version (0 for an empty database).
int applied_version(SQLite::Database& db);

/// Applies the missing migrations. Throws SchemaTooNew (naming `path` and both versions) when the
/// database is newer than this binary, before changing anything.
void migrate(SQLite::Database& db, const std::filesystem::path& path);

}  // namespace cx::store
