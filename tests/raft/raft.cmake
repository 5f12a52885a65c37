# Raft core: unit and data-driven tests, the deterministic simulator, and the benchmark.
set(RAFT_TEST_DIR ${CMAKE_SOURCE_DIR}/tests/raft)

# Test support shared by the unit tests, the simulator and the benchmark.
add_library(seshat_raft_testing STATIC
  ${RAFT_TEST_DIR}/support/test_node.cc
  ${RAFT_TEST_DIR}/support/cluster.cc
  ${RAFT_TEST_DIR}/sim/invariants.cc
  ${RAFT_TEST_DIR}/sim/planted_bugs.cc
  ${RAFT_TEST_DIR}/sim/simulator.cc)
target_include_directories(seshat_raft_testing PUBLIC ${RAFT_TEST_DIR})
target_link_libraries(seshat_raft_testing PUBLIC seshat_raft)

add_executable(raft-sim ${RAFT_TEST_DIR}/sim/sim_main.cc)
target_link_libraries(raft-sim PRIVATE seshat_raft_testing)
set_target_properties(raft-sim PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

file(GLOB RAFT_UNIT_TESTS CONFIGURE_DEPENDS ${RAFT_TEST_DIR}/unit/*.cc)
add_executable(raft_test ${RAFT_UNIT_TESTS})
target_link_libraries(raft_test PRIVATE seshat_raft seshat_raft_testing GTest::gtest GTest::gtest_main)
target_compile_definitions(raft_test PRIVATE SESHAT_RAFT_TESTDATA="${RAFT_TEST_DIR}/testdata")
add_test(NAME raft_test COMMAND raft_test WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(raft_test PROPERTIES ENVIRONMENT "GTEST_FILTER=-All/PlantedBug.*")
# The simulator must prove it can fail: each planted bug must be caught within the budget.
add_test(NAME raft_planted_bugs COMMAND raft_test --gtest_filter=All/PlantedBug.*)
set_tests_properties(raft_planted_bugs PROPERTIES TIMEOUT 300)

# A few hundred seeds of each size on every `make test`; `make sim SEEDS=N` runs more.
add_test(NAME raft_sim_3 COMMAND raft-sim --seeds 500 --nodes 3)
add_test(NAME raft_sim_5 COMMAND raft-sim --seeds 500 --nodes 5)
set_tests_properties(raft_sim_3 raft_sim_5 PROPERTIES TIMEOUT 120)

# Benchmark (not a test): build/raft_bench
add_executable(raft_bench ${RAFT_TEST_DIR}/bench/raft_bench.cc)
target_link_libraries(raft_bench PRIVATE seshat_raft_testing benchmark::benchmark)
