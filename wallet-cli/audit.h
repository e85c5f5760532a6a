// Audit: the wallet side of an independent audit — journal sources (the node's stream or an
// exported file), the parallel replay pipeline over ledger/replay.h, the exported journal's file
// format and the saved replay that lets a long verification resume.
#ifndef LIARD_WALLET_CLI_AUDIT_H_
#define LIARD_WALLET_CLI_AUDIT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ledger/replay.h"
#include "liard/v1/node.grpc.pb.h"
#include "wallet-cli/cli_status.h"
#include "wallet-cli/paths.h"  // WriteFileAtomically, AtomicFile

namespace liard::wallet {

namespace pb = ::liard::v1;

// Where journal entries come from, in order.
class JournalSource {
 public:
  virtual ~JournalSource() = default;
  // The next entry; *end = true (and ok) after the last one.
  [[nodiscard]] virtual CliStatus Next(pb::JournalEntry* out, bool* end) = 0;
};

// ---- The exported journal file ("liard-journal/1").
//
// "liard-journal/1\n", then records, each u8(type) || u32be(length) || bytes:
//   1 the genesis bytes (first, once), 2 a liard.v1.JournalEntry, 3 a liard.v1.SignedCheckpoint
//   (the node's latest when exported; after the entries), 4 the node's public checkpoint key
//   (32 bytes). Nothing in it is trusted: the verification recomputes everything, and a
//   changed byte shows at its entry's sequence.
inline constexpr std::string_view kJournalMagic = "liard-journal/1\n";

class JournalFileWriter {
 public:
  [[nodiscard]] CliStatus Open(const std::string& path, std::string_view genesis);
  [[nodiscard]] CliStatus Add(const pb::JournalEntry& entry);
  // Writes the checkpoint and node key, fsyncs and renames the file into place.
  [[nodiscard]] CliStatus Finish(const pb::SignedCheckpoint* checkpoint, const PublicKey* node_key);

 private:
  [[nodiscard]] CliStatus Record(uint8_t type, std::string_view bytes);
  AtomicFile file_;  // removes its temporary file if Finish is never reached
  std::string buffer_;
};

class JournalFileReader final : public JournalSource {
 public:
  // Reads the header and the genesis record.
  [[nodiscard]] CliStatus Open(const std::string& path);
  const std::string& genesis() const { return genesis_; }
  CliStatus Next(pb::JournalEntry* out, bool* end) override;
  // Back to the first entry (to replay from entry 1 after a saved replay was not resumed).
  void Rewind();
  // After the last entry: the checkpoint and node key the file carried, if any.
  const std::optional<pb::SignedCheckpoint>& checkpoint() const { return checkpoint_; }
  const std::optional<PublicKey>& node_key() const { return node_key_; }

 private:
  std::string path_;
  std::string data_;  // the whole file (journals of millions of entries fit in memory)
  size_t pos_ = 0;
  std::string genesis_;
  std::optional<pb::SignedCheckpoint> checkpoint_;
  std::optional<PublicKey> node_key_;
};

class NodeClient;

// The node's StreamJournal from `from_sequence`, without following, read with the session's
// reading key. A signed request serves one stream until it expires: when the node ends the
// stream there (DEADLINE_EXCEEDED, trailer "liard-resume-from"), a freshly signed request
// continues from the next entry, so that a journal longer than a request's lifetime reads whole.
class NodeJournalSource final : public JournalSource {
 public:
  // Signs the first request and opens the stream.
  [[nodiscard]] static CliStatus Open(NodeClient* node, uint64_t from_sequence,
                                      std::unique_ptr<NodeJournalSource>* out);
  // Cancels the stream if it was not read to its end.
  ~NodeJournalSource() override;
  CliStatus Next(pb::JournalEntry* out, bool* end) override;
  // How many streams were opened: 1, plus one per renewal.
  int streams() const { return streams_; }

 private:
  NodeJournalSource(NodeClient* node, uint64_t from_sequence) : node_(node), next_(from_sequence) {}
  CliStatus OpenStream();  // a fresh request from next_
  void CloseStream();      // cancels an unfinished stream

  NodeClient* const node_;
  uint64_t next_;  // the sequence of the next entry wanted
  int streams_ = 0;
  bool finished_ = true;
  std::unique_ptr<grpc::ClientContext> ctx_;
  std::unique_ptr<grpc::ClientReader<pb::JournalEntry>> reader_;
};

// ---- The pipeline.

// Called in journal order for each entry the replay accepted, with what it did.
using AppliedFn = std::function<void(const PreparedEntry& entry, const Delta& delta)>;

struct PipelineStats {
  uint64_t entries = 0;
  double seconds = 0;
};

// Replays every entry of `source` through `replay`: `threads` threads in all (this one and
// `threads - 1` workers) decode and verify signatures (Replay::Prepare) batch by batch, this one
// first committing the previous batch in order and reading the next. Stops at the first discrepancy
// (Exit::kRefused naming the sequence and why). Calls `progress` about once a second, and
// `checkpoint_hook` every `hook_every` entries (to save the replay and resume later).
[[nodiscard]] CliStatus RunPipeline(Replay* replay, JournalSource* source, int threads,
                                    const AppliedFn& applied,
                                    const std::function<void(uint64_t sequence)>& progress,
                                    uint64_t hook_every,
                                    const std::function<CliStatus()>& checkpoint_hook,
                                    PipelineStats* stats);

// Whether `source`, opened at entry 1, continues the history `saved` verified: reads its entries
// 1 to saved.sequence() through a ContinuityCheck (ledger/replay.h: hashes and links only). On
// return *why is empty if it does, and the source stands at the next entry, where the replay
// resumes; otherwise *why says why not in words, and the source must be opened again to replay
// from entry 1. A source that cannot be read is an error, as in RunPipeline.
[[nodiscard]] CliStatus CheckContinuity(const Replay& saved, JournalSource* source,
                                        std::string* why);

// Ed25519 verifications per second on `threads` threads, measured now for about `ms`
// milliseconds on fresh signatures of journal-sized messages: the limit the verification is
// compared with.
double MeasureVerifyRate(int threads, int ms);

// Reads a whole file; *found = false when it does not exist.
[[nodiscard]] CliStatus ReadWholeFile(const std::string& path, std::string* out, bool* found);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_AUDIT_H_
