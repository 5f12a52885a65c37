// Replication's failures as clients see them: each error of replication/errors.h becomes the
// Redis line it always was (clients retry on the TRYAGAIN and CLUSTERDOWN prefixes).
#include "server/outcome.h"

#include <gtest/gtest.h>

#include "replication/errors.h"

namespace seshat::server {
namespace {

namespace errors = replication::errors;
using protocol::Reply;

TEST(Outcome, RetryableErrorsKeepTheirRedisLines) {
  EXPECT_EQ(error_line(errors::no_leader()),
            "CLUSTERDOWN The cluster is down: no leader is elected");
  EXPECT_EQ(error_line(errors::not_leader()), "TRYAGAIN this node is no longer the leader; retry");
  EXPECT_EQ(error_line(errors::timed_out()),
            "TRYAGAIN the request was not committed within request_timeout_secs; it may still "
            "be applied");
  EXPECT_EQ(error_line(errors::shutting_down()), "TRYAGAIN the node is shutting down");
  EXPECT_EQ(error_line(errors::change_in_progress()),
            "TRYAGAIN another membership change is in progress; retry");
  EXPECT_EQ(error_line(errors::change_not_taken()),
            "TRYAGAIN the leader could not take the change now; retry");
  EXPECT_EQ(error_line(errors::change_timed_out()),
            "TRYAGAIN the membership change was not applied within request_timeout_secs; it may "
            "still be; check SESHAT MEMBERS");
}

TEST(Outcome, RefusalsAreErr) {
  EXPECT_EQ(error_line(errors::not_a_member(7)), "ERR node 7 is not a member of the cluster");
  EXPECT_EQ(error_line(errors::no_longer_member()),
            "ERR this node is no longer a member of the cluster");
  EXPECT_EQ(error_line(errors::last_voter(1)),
            "ERR node 1 is the only voter: a cluster cannot remove its last voter");
}

TEST(Outcome, ReplyOfPassesRepliesThrough) {
  EXPECT_EQ(reply_of(Reply::Bulk("v")), Reply::Bulk("v"));
  EXPECT_EQ(reply_of(Reply::Error("WRONGTYPE x")), Reply::Error("WRONGTYPE x"));
  EXPECT_EQ(reply_of(errors::shutting_down()), Reply::Error("TRYAGAIN the node is shutting down"));
}

}  // namespace
}  // namespace seshat::server
