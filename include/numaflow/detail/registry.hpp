#pragma once

#include <boost/hana/and.hpp>
#include <boost/hana/any_of.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

namespace numaflow {

struct Map;
struct BatchMap;
struct MapStream;
struct SourceTransform;
struct Sink;
struct Source;
struct SideInput;
struct ServingStore;
struct Reduce;
struct ReduceStream;
struct SessionReduce;
struct Accumulator;

struct Sync;
struct Async;
struct MultiProc;

}  // namespace numaflow

namespace numaflow::detail {

namespace hana = boost::hana;

// Every execution policy.
inline constexpr auto policies = hana::tuple_t<Sync, Async, MultiProc>;

// The one list of functionalities, each with the execution policies it offers. Server<Tag, Policy>
// is checked against it and the compile-fail tests are generated from it. A functionality's handler contract per policy
// is in its detail twin (detail/functions/<tag>.hpp, NUMAFLOW_DETAIL_HANDLER_CONTRACT).
inline constexpr auto registry = hana::make_tuple(                              //
    hana::make_pair(hana::type_c<Map>, hana::tuple_t<Sync, Async, MultiProc>),  //
    hana::make_pair(hana::type_c<BatchMap>, hana::tuple_t<Sync, Async>),        //
    hana::make_pair(hana::type_c<MapStream>, hana::tuple_t<Sync, Async>),       //
    hana::make_pair(hana::type_c<SourceTransform>, hana::tuple_t<Sync, Async, MultiProc>),
    hana::make_pair(hana::type_c<Sink>, hana::tuple_t<Sync, Async>),          //
    hana::make_pair(hana::type_c<Source>, hana::tuple_t<Sync, Async>),        //
    hana::make_pair(hana::type_c<SideInput>, hana::tuple_t<Sync, Async>),     //
    hana::make_pair(hana::type_c<ServingStore>, hana::tuple_t<Sync, Async>),  //
    hana::make_pair(hana::type_c<Reduce>, hana::tuple_t<Sync, Async>),        //
    hana::make_pair(hana::type_c<ReduceStream>, hana::tuple_t<Sync, Async>),  //
    hana::make_pair(hana::type_c<SessionReduce>, hana::tuple_t<Sync>),        //
    hana::make_pair(hana::type_c<Accumulator>, hana::tuple_t<Sync>));

template <class Tag>
inline constexpr bool registered =
    decltype(hana::any_of(registry, [](auto entry) { return hana::first(entry) == hana::type_c<Tag>; }))::value;

template <class Policy>
inline constexpr bool is_policy = decltype(hana::contains(policies, hana::type_c<Policy>))::value;

template <class Tag, class Policy>
inline constexpr bool offers = decltype(hana::any_of(registry, [](auto entry) {
  return hana::and_(hana::first(entry) == hana::type_c<Tag>, hana::contains(hana::second(entry), hana::type_c<Policy>));
}))::value;

}  // namespace numaflow::detail
