// The handler-independent half of every functionality (its gRPC service, its stream shapes and the
// generated service code they reach), instantiated once here instead of in every UDF; see
// NUMAFLOW_DETAIL_INSTANTIATE_SERVICE in numaflow/detail/separate_compilation.hpp.
#define NUMAFLOW_COMPILING_LIBRARY
#include "numaflow/numaflow.hpp"

// Asio's own compiled code (its scheduler, thread pool, reactor), once, for BOOST_ASIO_SEPARATE_COMPILATION.
#include <boost/asio/impl/src.hpp>
