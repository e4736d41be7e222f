// ringmpsc - lock-free multi-producer single-consumer channels (umbrella header).
// SPDX-License-Identifier: MIT
#pragma once

#include "allocator.hpp"
#include "basic_channel.hpp"
#include "basic_ring.hpp"
#include "channel.hpp"
#include "config.hpp"
#include "consumer_api.hpp"
#include "error.hpp"
#include "metrics.hpp"
#include "producer.hpp"
#include "producer_api.hpp"
#include "reservation.hpp"
#include "result.hpp"
#include "ring.hpp"
#include "stack_channel.hpp"
#include "stack_ring.hpp"
#include "version.hpp"
#include "wait.hpp"
