#pragma once

// The test kit: in-process clients for numaflow-cpp servers. Each speaks the platform's side of
// one protocol (handshakes, ids, EOTs, window operations) over the real socket and checks the
// server's side of the rules. Our test suite uses them; users can use them to unit-test their UDFs:
//
//   numaflow::Server<numaflow::Map, numaflow::Sync> server{my_map, {.socket_path = dir / "map.sock", …}};
//   server.start();
//   numaflow::testing::MapClient client{dir / "map.sock"};
//   auto results = client.map({datum});   // id → messages
//   server.stop();
//
// This header includes every client; numaflow/testing/<functionality>.hpp has one alone, and
// numaflow/testing/stream_client.hpp the raw stream, TempDir, connect and wait_until_ready.

#include "numaflow/testing/accumulator.hpp"
#include "numaflow/testing/batchmap.hpp"
#include "numaflow/testing/map.hpp"
#include "numaflow/testing/mapstream.hpp"
#include "numaflow/testing/reduce.hpp"
#include "numaflow/testing/servingstore.hpp"
#include "numaflow/testing/sessionreduce.hpp"
#include "numaflow/testing/sideinput.hpp"
#include "numaflow/testing/sink.hpp"
#include "numaflow/testing/source.hpp"
#include "numaflow/testing/sourcetransform.hpp"
#include "numaflow/testing/stream_client.hpp"
