#pragma once

// Separate compilation. With NUMAFLOW_SEPARATE_COMPILATION (the CMake target numaflow::numaflow
// defines it) what does not depend on the user's handler is compiled once, in the numaflow
// library (src/services.cpp defines NUMAFLOW_COMPILING_LIBRARY), instead of in every UDF:
//  - the parts of a tag that do not depend on the handler (its gRPC service, its stream shapes, the
//    generated service code they reach) are declared `extern template` by each detail twin
//    (NUMAFLOW_DETAIL_INSTANTIATE, NUMAFLOW_DETAIL_INSTANTIATE_SERVICE) and instantiated in the
//    library;
//  - non-template functions whose bodies reach heavy templates (Asio's executors and timers) are
//    declared in their header and defined in a `*_impl.hpp` that only the library includes
//    (NUMAFLOW_DETAIL_DEFINITIONS), as NUMAFLOW_DETAIL_COMPILED (non-inline) functions.
// Without it (the single header, or a plain include path) everything stays header-only: the
// `*_impl.hpp` headers are included where they are declared, and their functions are inline.
#if defined(NUMAFLOW_COMPILING_LIBRARY)
#define NUMAFLOW_DETAIL_INSTANTIATE template
#define NUMAFLOW_DETAIL_DEFINITIONS 1
#define NUMAFLOW_DETAIL_COMPILED
#elif defined(NUMAFLOW_SEPARATE_COMPILATION)
#define NUMAFLOW_DETAIL_INSTANTIATE extern template
#define NUMAFLOW_DETAIL_DEFINITIONS 0
#define NUMAFLOW_DETAIL_COMPILED
#else
#define NUMAFLOW_DETAIL_DEFINITIONS 1
#define NUMAFLOW_DETAIL_COMPILED inline
#endif

// A tag's gRPC service `Service` (e.g. SinkService<SinkWork>) around its work `W`, named once per
// service by its detail twin: the library instantiates the service, the ServiceCore it derives
// from and make_service<Service>; a UDF sees only make_service, declared extern (the service's
// class, with the generated gRPC code it derives from, is not even defined there); without
// separate compilation, nothing.
#if defined(NUMAFLOW_COMPILING_LIBRARY)
#define NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(Service, W)                                 \
  template class Service;                                                               \
  template class ServiceCore<Service::generated_type, Service::ready_response_type, W>; \
  template std::unique_ptr<ServiceBase> make_service<Service>(Runtime&, W&)
#elif defined(NUMAFLOW_SEPARATE_COMPILATION)
#define NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(Service, W) \
  extern template std::unique_ptr<ServiceBase> make_service<Service>(Runtime&, W&)
#else
#define NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(Service, W) static_assert(true)
#endif
