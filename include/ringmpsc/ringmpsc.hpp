// ringmpsc - lock-free multi-producer single-consumer channels (umbrella header).
// SPDX-License-Identifier: MIT
#pragma once

#include "allocator.hpp"
#include "channel.hpp"
#include "config.hpp"
#include "error.hpp"
#include "metrics.hpp"
#include "producer.hpp"
#include "reservation.hpp"
#include "ring.hpp"
#include "stack_channel.hpp"
#include "stack_ring.hpp"
#include "version.hpp"
#include "wait.hpp"
