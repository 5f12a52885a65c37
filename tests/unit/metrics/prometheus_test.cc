// INFO text to Prometheus's exposition format: names, types, labels, and nothing invented.
#include "metrics/prometheus.h"

#include <gtest/gtest.h>

#include <string>

namespace seshat::metrics {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(Prometheus, PlainFieldsBecomeTypedMetrics) {
  const std::string out = prometheus_text(
      "# Server\r\nseshat_version:0.1.0\r\nuptime_in_seconds:42\r\n\r\n# Clients\r\n"
      "connected_clients:3\r\n# Stats\r\ntotal_commands_processed:1000\r\n"
      "# CPU\r\nused_cpu_user:1.5\r\n");
  EXPECT_TRUE(has_line(out, "seshat_up 1"));
  EXPECT_TRUE(has_line(out, "# TYPE seshat_connected_clients gauge"));
  EXPECT_TRUE(has_line(out, "seshat_connected_clients 3"));
  EXPECT_TRUE(has_line(out, "# TYPE seshat_commands_processed_total counter"));
  EXPECT_TRUE(has_line(out, "seshat_commands_processed_total 1000"));
  EXPECT_TRUE(has_line(out, "seshat_cpu_user_seconds_total 1.5"));
  EXPECT_TRUE(has_line(out, "seshat_uptime_seconds 42"));
  EXPECT_TRUE(has_line(out, "seshat_build_info{version=\"0.1.0\"} 1"));
  // Every family has its HELP and TYPE before its samples, once.
  EXPECT_EQ(out.find("# HELP seshat_connected_clients "),
            out.rfind("# HELP seshat_connected_clients "));
  EXPECT_LT(out.find("# TYPE seshat_connected_clients"), out.find("seshat_connected_clients 3"));
}

TEST(Prometheus, PackedLinesBecomeLabelledSamples) {
  const std::string out = prometheus_text(
      "# Keyspace\ndb0:keys=7,expires=2,avg_ttl=0\n# Commandstats\n"
      "cmdstat_set:calls=5,usec=2500,usec_per_call=500.00,rejected_calls=1,failed_calls=0\n"
      "cmdstat_client|list:calls=1,usec=10,usec_per_call=10.00,rejected_calls=0,failed_calls=0\n"
      "# Raft\nraft_role:StateLeader\nraft_term:4\nraft_commit_index:90\n"
      "raft_peer_2:match=88,next=89,lag=2\n"
      "raft_link_3:connected=1,sent_messages=40,dropped_messages=2,connect_failures=1,"
      "snapshots_sent=0,snapshots_failed=0\n"
      "raft_snapshot_install_ms:1500\n"
      "# Storage\nrocksdb_write_stopped:0\nrocksdb_memtable_bytes:4096\n"
      "rocksdb_write_stall_micros:250000\n");
  EXPECT_TRUE(has_line(out, "seshat_keys{db=\"0\"} 7"));
  EXPECT_TRUE(has_line(out, "seshat_keys_with_expiry{db=\"0\"} 2"));
  EXPECT_TRUE(has_line(out, "seshat_commands_total{command=\"set\"} 5"));
  EXPECT_TRUE(has_line(out, "seshat_commands_duration_seconds_total{command=\"set\"} 0.0025"));
  EXPECT_TRUE(has_line(out, "seshat_commands_rejected_total{command=\"set\"} 1"));
  EXPECT_TRUE(has_line(out, "seshat_commands_failed_total{command=\"set\"} 0"));
  EXPECT_TRUE(has_line(out, "seshat_commands_total{command=\"client|list\"} 1"));
  EXPECT_TRUE(has_line(out, "seshat_raft_role{role=\"leader\"} 1"));
  EXPECT_TRUE(has_line(out, "seshat_raft_role{role=\"follower\"} 0"));
  EXPECT_TRUE(has_line(out, "seshat_raft_term 4"));
  EXPECT_TRUE(has_line(out, "seshat_raft_commit_index 90"));
  EXPECT_TRUE(has_line(out, "seshat_raft_peer_match_index{peer=\"2\"} 88"));
  EXPECT_TRUE(has_line(out, "seshat_raft_peer_lag_entries{peer=\"2\"} 2"));
  EXPECT_TRUE(has_line(out, "seshat_peer_connected{peer=\"3\"} 1"));
  EXPECT_TRUE(has_line(out, "seshat_peer_sent_messages_total{peer=\"3\"} 40"));
  EXPECT_TRUE(has_line(out, "seshat_peer_dropped_messages_total{peer=\"3\"} 2"));
  EXPECT_TRUE(has_line(out, "seshat_peer_connect_failures_total{peer=\"3\"} 1"));
  EXPECT_TRUE(has_line(out, "seshat_rocksdb_write_stopped 0"));
  EXPECT_TRUE(has_line(out, "seshat_rocksdb_memtable_bytes 4096"));
  EXPECT_TRUE(has_line(out, "seshat_rocksdb_write_stall_seconds_total 0.25"));
  EXPECT_TRUE(has_line(out, "seshat_raft_snapshot_install_seconds_total 1.5"));
}

TEST(Prometheus, UnknownFieldsAndNonNumbersAreLeftOut) {
  const std::string out =
      prometheus_text("role:master\nconnected_clients:many\nsome_future_field:12\n");
  EXPECT_EQ(out.find("connected_clients"), std::string::npos);
  EXPECT_EQ(out.find("some_future_field"), std::string::npos);
  EXPECT_EQ(out.find("role"), std::string::npos);
  EXPECT_TRUE(has_line(out, "seshat_up 1"));
}

TEST(Prometheus, LabelValuesAreEscaped) {
  const std::string out = prometheus_text("cmdstat_a\"b\\c:calls=1\n");
  EXPECT_TRUE(has_line(out, "seshat_commands_total{command=\"a\\\"b\\\\c\"} 1"));
}

}  // namespace
}  // namespace seshat::metrics
