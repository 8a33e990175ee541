#pragma once

// Umbrella header: every public piece of numaflow-cpp.
#include "numaflow/datum.hpp"
#include "numaflow/errors.hpp"
#include "numaflow/functions/map.hpp"
#include "numaflow/functions/sink.hpp"
#include "numaflow/functions/sourcetransform.hpp"
#include "numaflow/message.hpp"
#include "numaflow/metadata.hpp"
#include "numaflow/options.hpp"
#include "numaflow/policies/async.hpp"
#include "numaflow/policies/multiproc.hpp"
#include "numaflow/policies/sync.hpp"
#include "numaflow/server.hpp"
#include "numaflow/time.hpp"
#include "numaflow/version.hpp"
