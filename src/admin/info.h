// INFO: the node described in Redis's sections (server, clients, memory, persistence, stats,
// replication, cpu, cluster, keyspace, commandstats, ...) plus the replicator's own ("raft").
#pragma once

#include <string>
#include <vector>

#include "server/server_context.h"
#include "storage/engine.h"

namespace seshat::admin {

// The INFO text for the requested section names (any case); an empty list means "default".
// Sections appear in Redis's fixed order whatever order they were asked in. `engine` (may be
// null) is the node's database, for the keyspace and the applied offset.
std::string info_sections_text(server::ServerContext& ctx, storage::Engine* engine,
                               const std::vector<std::string>& sections);

// The same for one section ("" for the default ones).
std::string info_text(server::ServerContext& ctx, storage::Engine* engine,
                      const std::string& section);

}  // namespace seshat::admin
