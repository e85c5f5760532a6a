// JSON logs ([log] format = "json"): each line the node logs as `event=NAME key=value ...`
// (node/log_text.h makes values safe) written instead as one JSON object per line, for log
// shippers that read JSON (journald keeps either; rotation is left to it).
#ifndef LIARD_NODE_LOG_JSON_H_
#define LIARD_NODE_LOG_JSON_H_

#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace liard::node {

// The JSON members for a message of `key=value` pairs: a bare value of digits (at most 18, an
// optional '-') becomes a number, any other a string; a quoted value ("...", with LogText's
// escapes) a string, its \" \\ \n \r \t decoded and its \xNN kept as the four characters. A
// message that is not such pairs (a line of gRPC's own) becomes one member "message". The result
// is `"k":v,"k2":v2` without braces; never a newline.
std::string LogPairsToJson(std::string_view message);

// {"time":"2026-12-04T19:12:00.123Z","level":"info",<LogPairsToJson(message)>}
std::unique_ptr<spdlog::formatter> MakeJsonLogFormatter();

}  // namespace liard::node

#endif  // LIARD_NODE_LOG_JSON_H_
