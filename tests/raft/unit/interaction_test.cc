// Data-driven interaction tests. Each file in tests/raft/testdata/ is a sequence of blocks:
//
//   command args...
//   ----
//   expected output (possibly empty)
//   <blank line>
//
// Commands: cluster IDS... [prevote] [checkquorum] [maxmsg=N], campaign ID, propose ID DATA,
// tick ID N, stabilize, deliver [ID], process-ready ID, partition IDS / IDS, isolate ID, heal,
// read ID CTX, transfer FROM TO, conf ID CHANGES... (v4 = add voter 4, l4 = learner, r4 =
// remove; "joint" for an explicit joint change; no changes = leave joint), compact ID,
// report-snapshot LEADER TO, status, log ID, applied ID, wipe ID (restart with an empty
// disk, as after a wiped data directory).
// Set REWRITE=1 to regenerate the expected output after an intended change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "support/cluster.h"

namespace seshat::raft::testing {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

class Interaction {
 public:
  std::string run(const std::vector<std::string>& a) {
    out_.str("");
    const std::string& cmd = a[0];
    auto id = [&](size_t i) { return static_cast<NodeId>(std::stoull(a.at(i))); };
    if (cmd == "cluster") {
      std::vector<NodeId> ids;
      bool pre_vote = false, check_quorum = false;
      uint64_t max_msg = kNoLimit;
      for (size_t i = 1; i < a.size(); ++i) {
        if (a[i] == "prevote") {
          pre_vote = true;
        } else if (a[i] == "checkquorum") {
          check_quorum = true;
        } else if (a[i].rfind("maxmsg=", 0) == 0) {
          max_msg = std::stoull(a[i].substr(7));
        } else {
          ids.push_back(id(i));
        }
      }
      c_ = std::make_unique<Cluster>(ids, [=](Config& cfg) {
        cfg.pre_vote = pre_vote;
        cfg.check_quorum = check_quorum;
        cfg.max_size_per_msg = max_msg;
      });
      c_->on_send = [this](const Message& m) { out_ << describe(m) << "\n"; };
    } else if (cmd == "campaign") {
      c_->campaign(id(1));
    } else if (cmd == "propose") {
      report(c_->propose(id(1), a.at(2)));
    } else if (cmd == "tick") {
      c_->tick(id(1), a.size() > 2 ? std::stoi(a[2]) : 1);
    } else if (cmd == "stabilize") {
      c_->stabilize();
    } else if (cmd == "deliver") {
      c_->deliver(a.size() > 1 ? id(1) : 0);
    } else if (cmd == "process-ready") {
      c_->process_ready(id(1));
    } else if (cmd == "partition") {
      std::set<NodeId> left, right;
      bool second = false;
      for (size_t i = 1; i < a.size(); ++i) {
        if (a[i] == "/") {
          second = true;
        } else {
          (second ? right : left).insert(id(i));
        }
      }
      c_->partition(left, right);
    } else if (cmd == "isolate") {
      c_->isolate(id(1));
    } else if (cmd == "heal") {
      c_->heal();
    } else if (cmd == "read") {
      c_->node(id(1)).raw().read_index(a.at(2));
    } else if (cmd == "transfer") {
      c_->node(id(1)).raw().transfer_leader(id(2));
    } else if (cmd == "conf") {
      ConfChange cc;
      for (size_t i = 2; i < a.size(); ++i) {
        if (a[i] == "joint") {
          cc.transition = ConfChangeTransition::kJointExplicit;
          continue;
        }
        ConfChangeType t = a[i][0] == 'v'   ? ConfChangeType::kAddNode
                           : a[i][0] == 'l' ? ConfChangeType::kAddLearnerNode
                                            : ConfChangeType::kRemoveNode;
        cc.changes.push_back({t, std::stoull(a[i].substr(1))});
      }
      report(c_->node(id(1)).raw().propose_conf_change(cc));
    } else if (cmd == "wipe") {
      c_->node(id(1)).wipe();
    } else if (cmd == "compact") {
      c_->node(id(1)).snapshot_and_compact();
      out_ << "first index " << c_->node(id(1)).storage().first_index().value() << "\n";
    } else if (cmd == "report-snapshot") {
      c_->node(id(1)).raw().report_snapshot(id(2), false);
    } else if (cmd == "status") {
      for (NodeId n : c_->ids()) {
        const Raft& r = c_->raft(n);
        out_ << n << ": " << to_string(r.state()) << " term=" << r.term() << " lead=" << r.lead()
             << " commit=" << r.log().committed() << " applied=" << c_->node(n).applied_index()
             << " last=" << r.log().last_index() << " voters=" << r.tracker().config.to_string()
             << "\n";
      }
    } else if (cmd == "log") {
      for (const Entry& e : c_->raft(id(1)).log().all_entries()) out_ << describe(e) << "\n";
    } else if (cmd == "applied") {
      TestNode& n = c_->node(id(1));
      for (const Entry& e : n.applied()) out_ << describe(e) << "\n";
      for (const ReadState& rs : n.read_states()) {
        out_ << "read " << rs.request_ctx << " at " << rs.index << "\n";
      }
      n.read_states().clear();
    } else {
      out_ << "unknown command " << cmd << "\n";
    }
    return out_.str();
  }

 private:
  void report(Status s) {
    if (!s.ok()) out_ << "error: " << to_string(s.code()) << "\n";
  }
  std::unique_ptr<Cluster> c_;
  std::ostringstream out_;
};

struct Block {
  std::string command;
  std::string expected;
};

std::vector<Block> parse(const std::string& path) {
  std::ifstream in(path);
  std::vector<Block> blocks;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    Block b{line, ""};
    if (!std::getline(in, line) || line != "----") {
      ADD_FAILURE() << path << ": expected ---- after " << b.command;
      return blocks;
    }
    while (std::getline(in, line) && !line.empty()) b.expected += line + "\n";
    blocks.push_back(std::move(b));
  }
  return blocks;
}

std::string testdata_dir() {
  for (const char* p : {"tests/raft/testdata", "../tests/raft/testdata"}) {
    if (std::filesystem::is_directory(p)) return p;
  }
  return std::string(SESHAT_RAFT_TESTDATA);
}

TEST(Interaction, Scripts) {
  bool rewrite = std::getenv("REWRITE") != nullptr;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testdata_dir())) {
    if (entry.path().extension() != ".txt") continue;
    ++files;
    SCOPED_TRACE(entry.path().string());
    auto blocks = parse(entry.path().string());
    EXPECT_FALSE(blocks.empty());
    Interaction it;
    // Keep the file's leading comment when rewriting.
    std::string rewritten;
    {
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line) && !line.empty() && line[0] == '#';) {
        rewritten += line + "\n";
      }
    }
    for (const auto& b : blocks) {
      std::string got = it.run(split(b.command));
      if (!rewrite) {
        EXPECT_EQ(got, b.expected) << "command: " << b.command;
      }
      rewritten += b.command + "\n----\n" + got + "\n";
    }
    if (rewrite) std::ofstream(entry.path()) << rewritten;
  }
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace seshat::raft::testing
