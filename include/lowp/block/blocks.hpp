/// \file blocks.hpp
/// Everything about block formats: element types, scale rules, named blocks, the codec.
#pragma once

#include "lowp/block/block_format.hpp"
#include "lowp/block/codec.hpp"
#include "lowp/block/element.hpp"
#include "lowp/block/packing.hpp"
#include "lowp/block/scale_rules.hpp"
