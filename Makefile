# Seshat: `make run` to start a node, `make test` to run every test. See README.md.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
SEEDS ?= 10000
FUZZ_SECONDS ?= 20
DURATION ?= 3600
SCALE_MEMBERS ?= 1000000

.PHONY: all setup build run test unit-test system-test fuzz bench bench-quick profile sim chaos scale cluster cluster-stop clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/CMakeCache.txt: | setup
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: setup $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

# One node on 127.0.0.1:6379 with its data under ./data.
run: build
	./$(BUILD_DIR)/seshat --data-dir ./data

# Unit tests, the Raft simulator's seeds, a short fuzzing run, the system tests (pytest against
# the real binary and a Debian redis-server) and short chaos scenarios, all registered with CTest.
test: build
	cd $(BUILD_DIR) && FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --output-on-failure --timeout 1200

fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh

# Side-by-side with redis-server (appendfsync always), in one run; prints ratios.
bench: build
	/usr/bin/python3 bench/run.py

# The same, cut to SET and GET with 50 clients and with one client: under two minutes, to look
# at a change before measuring it properly. Writes $(BUILD_DIR)/bench-quick.md.
bench-quick: build
	/usr/bin/python3 bench/run.py --quick

# Where the time goes in a three-node cluster: CPU per operation per node and per thread, and
# perf's view of the leader and a follower (docs/performance.md). Writes $(BUILD_DIR)/profile.md.
profile: build
	SESHAT_BIN=$(CURDIR)/$(BUILD_DIR)/seshat /usr/bin/python3 bench/profile.py --perf

# A hash, a list, a set and a sorted set of SCALE_MEMBERS members each (make test: 200,000):
# built, read at both ends, point operations timed against small ones, deleted.
scale: build
	SESHAT_BIN=$(CURDIR)/$(BUILD_DIR)/seshat SESHAT_SCALE_MEMBERS=$(SCALE_MEMBERS) \
	  /usr/bin/python3 -m pytest -q -s -p no:cacheprovider tests/system/test_scale.py

# As many simulator seeds as asked: make sim SEEDS=100000
sim: build
	./$(BUILD_DIR)/raft-sim --seeds $(SEEDS) --nodes 3
	./$(BUILD_DIR)/raft-sim --seeds $(SEEDS) --nodes 5

# The randomised nemesis against a three-node cluster for DURATION seconds (default an hour),
# checking each segment's history for linearizability and that memory and open files stay flat.
# CHAOS_SEED=<n> replays a schedule. Report: $(BUILD_DIR)/chaos-report.md (docs/testing.md).
chaos: build
	SESHAT_BIN=$(CURDIR)/$(BUILD_DIR)/seshat CHAOS_NEMESIS_SECONDS=$(DURATION) CHAOS_LONG=1 \
	  CHAOS_REPORT=$(CURDIR)/$(BUILD_DIR)/chaos-report.md \
	  /usr/bin/python3 -m pytest -q -rs -s -p no:cacheprovider tests/chaos/test_nemesis.py

# Three local nodes from config/node{1,2,3}.toml: clients on 6379-6381, Raft on 7379-7381,
# data and logs under ./data/nodeN.
cluster: build
	@SESHAT_BIN=$(BUILD_DIR)/seshat bash scripts/cluster.sh start

cluster-stop:
	@bash scripts/cluster.sh stop

clean:
	rm -rf $(BUILD_DIR)
