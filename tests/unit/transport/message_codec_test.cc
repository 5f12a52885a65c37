// The codec must be lossless: every field of every message type survives a round trip, and so
// do the shapes that are easy to get wrong (an empty snapshot that is present, empty entries,
// binary bytes with NULs).
#include "transport/message_codec.h"

#include <gtest/gtest.h>

#include <string>

namespace seshat::transport {
namespace {

using raft::MessageType;

bool same(const raft::Message& a, const raft::Message& b) {
  return a.type == b.type && a.to == b.to && a.from == b.from && a.term == b.term &&
         a.log_term == b.log_term && a.index == b.index && a.entries == b.entries &&
         a.commit == b.commit && a.snapshot == b.snapshot && a.reject == b.reject &&
         a.reject_hint == b.reject_hint && a.context == b.context;
}

// A message with every field set to a distinct, non-default value.
raft::Message full_message(MessageType type) {
  raft::Message m;
  m.type = type;
  m.to = 0xFFFFFFFFFFFFFFF1ull;
  m.from = 7;
  m.term = 1ull << 40;
  m.log_term = 41;
  m.index = 0xFFFFFFFFFFFFFFFFull;
  m.entries.push_back({.term = 3, .index = 100, .type = raft::EntryType::kNormal, .data = "x"});
  m.entries.push_back({.term = 4,
                       .index = 101,
                       .type = raft::EntryType::kConfChange,
                       .data = std::string("\0\1\2binary\0", 10)});
  m.entries.push_back({.term = 4, .index = 102, .type = raft::EntryType::kNormal, .data = ""});
  m.commit = 99;
  raft::Snapshot snap;
  snap.data = std::string("snap\0data", 9);
  snap.metadata.index = 90;
  snap.metadata.term = 2;
  snap.metadata.conf_state.voters = {1, 2, 3};
  snap.metadata.conf_state.learners = {4};
  snap.metadata.conf_state.voters_outgoing = {1, 2, 5};
  snap.metadata.conf_state.learners_next = {5};
  snap.metadata.conf_state.auto_leave = true;
  m.snapshot = snap;
  m.reject = true;
  m.reject_hint = 55;
  m.context = std::string("ctx\0!", 5);
  return m;
}

raft::Message round_trip(const raft::Message& m) {
  pb::Message wire;
  to_proto(m, &wire);
  // Through bytes too, as on the network.
  std::string bytes;
  EXPECT_TRUE(wire.SerializeToString(&bytes));
  pb::Message parsed;
  EXPECT_TRUE(parsed.ParseFromString(bytes));
  std::optional<raft::Message> out = from_proto(std::move(parsed));
  EXPECT_TRUE(out.has_value());
  return out.value_or(raft::Message{});
}

TEST(MessageCodec, EveryMessageTypeWithEveryFieldRoundTrips) {
  for (int t = 0; t < raft::kMessageTypeCount; ++t) {
    const raft::Message m = full_message(static_cast<MessageType>(t));
    EXPECT_TRUE(same(round_trip(m), m)) << raft::to_string(m.type);
  }
}

TEST(MessageCodec, DefaultMessageRoundTrips) {
  for (int t = 0; t < raft::kMessageTypeCount; ++t) {
    raft::Message m;
    m.type = static_cast<MessageType>(t);
    const raft::Message out = round_trip(m);
    EXPECT_TRUE(same(out, m)) << raft::to_string(m.type);
    EXPECT_FALSE(out.snapshot.has_value());
  }
}

TEST(MessageCodec, PresentButEmptySnapshotStaysPresent) {
  raft::Message m;
  m.type = MessageType::kSnap;
  m.snapshot = raft::Snapshot{};
  const raft::Message out = round_trip(m);
  ASSERT_TRUE(out.snapshot.has_value());
  EXPECT_TRUE(out.snapshot->empty());
}

TEST(MessageCodec, MovingEncoderGivesTheSameBytes) {
  const raft::Message m = full_message(MessageType::kApp);
  pb::Message copied;
  pb::Message moved;
  to_proto(m, &copied);
  raft::Message victim = m;
  to_proto(std::move(victim), &moved);
  EXPECT_EQ(copied.SerializeAsString(), moved.SerializeAsString());
}

TEST(MessageCodec, SnapshotMetadataRoundTrips) {
  const raft::SnapshotMetadata md = full_message(MessageType::kSnap).snapshot->metadata;
  pb::SnapshotMetadata wire;
  to_proto(md, &wire);
  EXPECT_EQ(from_proto(wire), md);
}

TEST(MessageCodec, UnknownTypesAreRefused) {
  pb::Message wire;
  to_proto(full_message(MessageType::kApp), &wire);
  pb::Message bad_type = wire;
  bad_type.set_type(static_cast<pb::MessageType>(raft::kMessageTypeCount));
  EXPECT_FALSE(from_proto(std::move(bad_type)).has_value());
  pb::Message bad_entry = wire;
  bad_entry.mutable_entries(1)->set_type(static_cast<pb::EntryType>(7));
  EXPECT_FALSE(from_proto(std::move(bad_entry)).has_value());
}

// A batch from node 1 to node 2 holding `messages` (their identity set to match).
pb::MessageBatch batch_of(std::vector<raft::Message> messages) {
  pb::MessageBatch batch;
  batch.set_cluster_id("c");
  batch.set_from(1);
  batch.set_to(2);
  for (raft::Message& m : messages) {
    m.from = 1;
    m.to = 2;
    to_proto(m, batch.add_messages());
  }
  return batch;
}

raft::Message append(raft::Term term, raft::Term log_term, raft::Index index,
                     std::vector<std::pair<raft::Term, raft::Index>> entries) {
  raft::Message m{.type = MessageType::kApp, .term = term, .log_term = log_term, .index = index};
  for (auto [t, i] : entries) m.entries.push_back({.term = t, .index = i, .data = "x"});
  return m;
}

TEST(MessageCodec, ABatchKeepsItsMessagesInOrderAndDropsLocalOnes) {
  auto batch = batch_of({append(3, 2, 10, {{2, 11}, {3, 12}}),
                         {.type = MessageType::kHup, .term = 3},
                         {.type = MessageType::kHeartbeat, .term = 3, .commit = 9},
                         {.type = MessageType::kVote, .term = 4, .log_term = 3, .index = 12}});
  DecodedBatch decoded = decode_batch(batch);
  EXPECT_EQ(decoded.error, "");
  ASSERT_EQ(decoded.messages.size(), 3u);
  EXPECT_EQ(decoded.messages[0].entries.size(), 2u);
  EXPECT_EQ(decoded.messages[1].type, MessageType::kHeartbeat);
  EXPECT_EQ(decoded.messages[2].type, MessageType::kVote);
}

TEST(MessageCodec, ABatchWithAMessageNoCorrectPeerSendsIsRefusedWhole) {
  const raft::Message fine{.type = MessageType::kHeartbeat, .term = 3};
  const std::vector<std::pair<raft::Message, std::string>> bad = {
      {{.type = MessageType::kVote, .term = 0}, "MsgVote: vote message without a term"},
      {{.type = MessageType::kPreVoteResp, .term = 0},
       "MsgPreVoteResp: vote message without a term"},
      {{.type = MessageType::kProp}, "MsgProp: proposal without entries"},
      {append(3, 2, 10, {{3, 12}}), "MsgApp: append whose entries do not follow its index"},
      {append(3, 2, 10, {{3, 11}, {3, 11}}),
       "MsgApp: append whose entries do not follow its index"},
      {append(3, 2, 10, {{4, 11}}), "MsgApp: append whose entry terms are out of order"},
      {append(3, 2, 10, {{1, 11}}), "MsgApp: append whose entry terms are out of order"},
      {append(3, 3, 10, {{3, 11}, {2, 12}}), "MsgApp: append whose entry terms are out of order"},
      {append(3, 4, 10, {}), "MsgApp: append whose previous entry has a later term than it"},
      {{.type = MessageType::kSnap, .term = 3}, "MsgSnap: snapshot message without a snapshot"},
  };
  for (const auto& [message, why] : bad) {
    auto batch = batch_of({fine, message});
    DecodedBatch decoded = decode_batch(batch);
    EXPECT_EQ(decoded.error, why);
    EXPECT_FALSE(decoded.wrong_identity);
    EXPECT_TRUE(decoded.messages.empty());
  }
  // A message speaking for another node than the batch's sender.
  auto batch = batch_of({fine});
  batch.mutable_messages(0)->set_from(3);
  DecodedBatch decoded = decode_batch(batch);
  EXPECT_EQ(decoded.error, "message from 3 to 2 inside a batch from 1");
  EXPECT_TRUE(decoded.wrong_identity);
  // What a correct leader sends for a proposal or a snapshot passes.
  raft::Message prop{.type = MessageType::kProp};
  prop.entries.push_back({.data = "op"});
  raft::Message snap{.type = MessageType::kSnap, .term = 3};
  snap.snapshot.emplace().metadata.index = 20;
  auto good = batch_of({prop, snap, append(3, 0, 0, {{1, 1}, {3, 2}})});
  EXPECT_EQ(decode_batch(good).messages.size(), 3u);
}

TEST(MessageCodec, ApproximateSizeCountsPayloads) {
  raft::Message small;
  raft::Message big = small;
  big.entries.push_back({.term = 1, .index = 1, .data = std::string(1000, 'a')});
  EXPECT_GE(approximate_size(big), approximate_size(small) + 1000);
  EXPECT_GT(approximate_size(small), 0u);
}

}  // namespace
}  // namespace seshat::transport
