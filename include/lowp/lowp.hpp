/// \file lowp.hpp
/// Umbrella header: everything in lowp except io/.
#pragma once

#include "lowp/codec/arith.hpp"
#include "lowp/codec/float_codec.hpp"
#include "lowp/codec/int_codec.hpp"
#include "lowp/codec/pack.hpp"
#include "lowp/codec/profiles.hpp"
#include "lowp/codec/quantize_int.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/config.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/core/random.hpp"
#include "lowp/core/rounding.hpp"
#include "lowp/core/span.hpp"
#include "lowp/format/float_format.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/format/int_format.hpp"
#include "lowp/types/hash.hpp"
#include "lowp/types/intn.hpp"
#include "lowp/types/limits.hpp"
#include "lowp/types/minifloat.hpp"
