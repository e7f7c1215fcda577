// Precompiled header for every torch-using target: parsing <torch/torch.h> costs ~17 s a file.
#pragma once
#include <torch/torch.h>
