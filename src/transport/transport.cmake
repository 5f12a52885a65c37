# The peer transport layer: protobuf/gRPC code generated from proto/raft.proto, the
# seshat_transport library and its unit tests. Included from the top-level CMakeLists.txt after
# seshat_raft is defined:
#   include(${CMAKE_SOURCE_DIR}/src/transport/transport.cmake)
# Paths are relative to this file, so a scratch top-level project can include it too.

get_filename_component(SESHAT_TRANSPORT_ROOT "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(absl CONFIG REQUIRED)
pkg_check_modules(GRPCPP REQUIRED IMPORTED_TARGET grpc++)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
if(NOT TARGET spdlog::spdlog)
  find_package(spdlog REQUIRED)
endif()

# Generated code goes to the build tree; nothing generated is checked in.
set(SESHAT_PROTO_OUT ${CMAKE_BINARY_DIR}/proto)
file(MAKE_DIRECTORY ${SESHAT_PROTO_OUT})
set(SESHAT_PROTO_SRC ${SESHAT_TRANSPORT_ROOT}/proto/raft.proto)
set(SESHAT_PROTO_GENERATED
  ${SESHAT_PROTO_OUT}/raft.pb.cc ${SESHAT_PROTO_OUT}/raft.pb.h
  ${SESHAT_PROTO_OUT}/raft.grpc.pb.cc ${SESHAT_PROTO_OUT}/raft.grpc.pb.h)
add_custom_command(
  OUTPUT ${SESHAT_PROTO_GENERATED}
  COMMAND ${Protobuf_PROTOC_EXECUTABLE}
    --proto_path=${SESHAT_TRANSPORT_ROOT}/proto
    --cpp_out=${SESHAT_PROTO_OUT}
    --grpc_out=${SESHAT_PROTO_OUT}
    --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN}
    ${SESHAT_PROTO_SRC}
  DEPENDS ${SESHAT_PROTO_SRC}
  COMMENT "protoc: generating C++ and gRPC code for raft.proto"
  VERBATIM)
# Generated code is not ours to keep warning-clean.
set_source_files_properties(${SESHAT_PROTO_OUT}/raft.pb.cc ${SESHAT_PROTO_OUT}/raft.grpc.pb.cc
  PROPERTIES COMPILE_OPTIONS "-Wno-error;-w")

file(GLOB SESHAT_TRANSPORT_SRCS CONFIGURE_DEPENDS ${SESHAT_TRANSPORT_ROOT}/src/transport/*.cc)
add_library(seshat_transport STATIC ${SESHAT_TRANSPORT_SRCS}
  ${SESHAT_PROTO_OUT}/raft.pb.cc ${SESHAT_PROTO_OUT}/raft.grpc.pb.cc)
target_include_directories(seshat_transport PUBLIC ${SESHAT_TRANSPORT_ROOT}/src)
# SYSTEM: generated headers are compiled with our sources and must not trip -Werror. PUBLIC only
# for tests that include message_codec.h; transport.h and grpc_transport.h do not need it.
target_include_directories(seshat_transport SYSTEM PUBLIC ${SESHAT_PROTO_OUT})
target_link_libraries(seshat_transport
  PUBLIC seshat_raft absl::status absl::statusor
  PRIVATE PkgConfig::GRPCPP protobuf::libprotobuf spdlog::spdlog Threads::Threads)

# Unit tests.
file(GLOB SESHAT_TRANSPORT_TESTS CONFIGURE_DEPENDS
  ${SESHAT_TRANSPORT_ROOT}/tests/unit/transport/*.cc)
if(SESHAT_TRANSPORT_TESTS)
  if(NOT TARGET GTest::gtest)
    find_package(GTest REQUIRED)
  endif()
  add_executable(transport_test ${SESHAT_TRANSPORT_TESTS})
  target_link_libraries(transport_test PRIVATE seshat_transport protobuf::libprotobuf
    PkgConfig::GRPCPP spdlog::spdlog GTest::gtest GTest::gtest_main Threads::Threads)
  target_include_directories(transport_test PRIVATE ${SESHAT_TRANSPORT_ROOT}/tests)
  add_test(NAME transport_test COMMAND transport_test WORKING_DIRECTORY ${SESHAT_TRANSPORT_ROOT})
  set_tests_properties(transport_test PROPERTIES TIMEOUT 120)
endif()
